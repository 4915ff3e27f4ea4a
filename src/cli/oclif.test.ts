import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { exitWhenFlushed } from "./oclif.js";

/** A stream that hands each chunk to the "OS" only when release() is called, as a slow pipe does. */
function slowStream() {
  const pending: ((error?: Error | null) => void)[] = [];
  const stream = new Writable({
    write(_chunk, _enc, done) {
      pending.push(done);
    },
  });
  /** Completes the writes handed over so far, or fails them (EPIPE: the reader went away). */
  const release = (error?: Error) => {
    for (const done of pending.splice(0)) done(error);
  };
  return { stream, release };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("exitWhenFlushed", () => {
  it("exits at once when nothing is waiting to be written", async () => {
    const events: string[] = [];
    await exitWhenFlushed([new Writable({ write: (_c, _e, done) => done() })], () => events.push("exit"));
    expect(events).toEqual(["exit"]);
  });

  it("exits only after every stream has written what it was given", async () => {
    const out = slowStream();
    const err = slowStream();
    out.stream.write("the plan");
    err.stream.write("a warning");
    let exited = false;
    const done = exitWhenFlushed([out.stream, err.stream], () => (exited = true));
    await tick();
    await tick();
    expect(exited).toBe(false);
    // stdout written whole (its empty write too), stderr still held: not yet.
    for (let i = 0; i < 3; i++) {
      out.release();
      await tick();
    }
    expect(out.stream.writableLength).toBe(0);
    expect(exited).toBe(false);
    for (let i = 0; i < 3; i++) {
      err.release();
      await tick();
    }
    await done;
    expect(exited).toBe(true);
    expect(err.stream.writableLength).toBe(0);
  });

  it("lets the event loop turn once first, so a rejection left unhandled is still reported", async () => {
    const events: string[] = [];
    setImmediate(() => events.push("next turn"));
    await exitWhenFlushed([], () => events.push("exit"));
    expect(events).toEqual(["next turn", "exit"]);
  });

  it("does not wait for a stream whose reader went away", async () => {
    const broken = slowStream();
    broken.stream.on("error", () => undefined);
    broken.stream.write("more than the reader took");
    let exited = false;
    const done = exitWhenFlushed([broken.stream], () => (exited = true));
    await tick();
    expect(exited).toBe(false);
    broken.release(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    await done;
    expect(exited).toBe(true);
  });

  it("does not wait for a stream destroyed while a write was in flight", async () => {
    const gone = slowStream();
    gone.stream.on("error", () => undefined);
    gone.stream.write("half written");
    let exited = false;
    const done = exitWhenFlushed([gone.stream], () => (exited = true));
    await tick();
    expect(exited).toBe(false);
    gone.stream.destroy(new Error("closed"));
    await done;
    expect(exited).toBe(true);
  });
});
