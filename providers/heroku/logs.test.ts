// apiship logs on Heroku against the fake: a log session's lines parsed (time, process, text),
// --since cut here, --tail as the session's lines, --grep before --tail, --follow polling new
// sessions without repeats, and an app that does not exist.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ctx, LogEntry, LogQuery } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { TargetSpec } from "../../src/manifest/types.js";
import { writeAppLog } from "../../test/fakes/heroku/logs.js";
import { startHerokuFake } from "../../test/fakes/heroku/server.js";
import type { HerokuFake } from "../../test/fakes/heroku/server.js";
import { createHerokuClients } from "./clients.js";
import type { HerokuClients } from "./clients.js";
import { heroku } from "./heroku.js";
import { parseLogplex } from "./logs.js";
import type { HerokuState } from "./state.js";

const APP = "shop-dev-web";
const T0 = Date.parse("2026-12-07T10:00:00.000Z");
let fake: HerokuFake;
let ctx: Ctx<HerokuClients>;
const state = { app: APP } as HerokuState;
const logs = heroku.logs!;

beforeEach(async () => {
  fake = await startHerokuFake();
  const res = await fetch(`${fake.url}/apps`, {
    method: "POST",
    headers: { accept: "application/vnd.heroku+json; version=3", "content-type": "application/json" },
    body: JSON.stringify({ name: APP }),
  });
  expect(res.status).toBe(201);
  const target: TargetSpec = {
    name: "web",
    provider: "heroku",
    platform: "heroku",
    options: heroku.options.parse({ endpoint: fake.url }) as unknown as Record<string, unknown>,
  };
  ctx = {
    clients: await createHerokuClients({
      target,
      env: { HEROKU_API_KEY: "fake-key", APISHIP_HEROKU_POLL_MS: "2" },
    }),
    stack: { id: "shop/dev", app: "shop", environment: "dev", service: {} as never, targets: [target] },
    target,
    progress: { step: () => {}, done: () => {} },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    signal: new AbortController().signal,
  };
  writeAppLog(
    fake.world,
    APP,
    Array.from({ length: 10 }, (_, i) => ({
      at: T0 + i * 1000,
      source: i % 2 ? "heroku" : "app",
      dyno: i % 2 ? "router" : "web.1",
      text: i % 2 ? `at=info method=GET path="/r${i}" status=200` : `line ${i}`,
    })),
  );
});
afterEach(() => fake.close());

async function read(query: Partial<LogQuery>, s: HerokuState = state): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of logs(ctx, s, { follow: false, ...query })) out.push(e);
  return out;
}
const sessions = () => fake.requests.filter((r) => r.path.endsWith("/log-sessions")).map((r) => r.json);

describe("heroku logs (log sessions)", () => {
  it("reads the app's lines: time, process as the stream, text", async () => {
    const all = await read({});
    expect(all).toHaveLength(10);
    expect(all[0]).toEqual({ time: "2026-12-07T10:00:00.000Z", stream: "web.1", message: "line 0" });
    expect(all[1]).toEqual({
      time: "2026-12-07T10:00:01.000Z",
      stream: "router",
      message: 'at=info method=GET path="/r1" status=200',
    });
    expect(sessions()).toEqual([{ lines: 1500, tail: false }]);
    expect(fake.rejected).toEqual([]);
  });

  it("--since is cut by each line's time; --tail asks for that many lines", async () => {
    expect((await read({ since: new Date(T0 + 8000) })).map((e) => e.message)).toEqual([
      "line 8",
      expect.stringMatching(/r9/),
    ]);
    expect((await read({ tail: 2 })).map((e) => e.stream)).toEqual(["web.1", "router"]);
    expect(sessions().at(-1)).toEqual({ lines: 2, tail: false });
  });

  it("--grep is applied before --tail", async () => {
    expect((await read({ tail: 2, grep: "line" })).map((e) => e.message)).toEqual(["line 6", "line 8"]);
    expect(sessions().at(-1)).toEqual({ lines: 1500, tail: false });
  });

  it("--follow yields the lines written later, once, until the signal aborts", async () => {
    const stop = new AbortController();
    const it = logs({ ...ctx, signal: stop.signal }, state, { follow: true, tail: 1 })[
      Symbol.asyncIterator
    ]();
    expect((await it.next()).value).toMatchObject({ stream: "router" });
    writeAppLog(fake.world, APP, [
      { at: T0 + 20_000, source: "app", dyno: "web.1", text: "later" },
      { at: T0 + 20_000, source: "app", dyno: "web.2", text: "same ms" },
    ]);
    const next = [(await it.next()).value, (await it.next()).value] as LogEntry[];
    expect(next.map((e) => e.message)).toEqual(["later", "same ms"]);
    writeAppLog(fake.world, APP, [{ at: T0 + 21_000, source: "app", dyno: "web.1", text: "last" }]);
    expect((await it.next()).value).toMatchObject({ message: "last" });
    stop.abort();
    expect((await it.next()).done).toBe(true);
  });

  it("an app that is gone is a not-found error", async () => {
    const e = await read({}, { app: "nope-app" } as HerokuState).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).message).toMatch(/open a log session of nope-app/);
  });

  it("parses logplex's microsecond, offset stamps", () => {
    expect(parseLogplex("2026-12-07T11:00:00.123456+01:00 app[web.1]: hi there")).toMatchObject({
      time: "2026-12-07T10:00:00.123Z",
      stream: "web.1",
      message: "hi there",
    });
    expect(parseLogplex("garbage")).toMatchObject({ message: "garbage" });
  });
});
