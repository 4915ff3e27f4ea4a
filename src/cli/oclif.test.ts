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
    expect(exited).toBe(false);
    out.release();
    await tick();
    expect(exited).toBe(false);
    err.release();
    await tick();
    // The empty write queued behind "a warning" is written too.
    err.release();
    out.release();
    await done;
    expect(exited).toBe(true);
    expect(out.stream.writableLength).toBe(0);
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
