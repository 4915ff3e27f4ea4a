// apiship logs on DigitalOcean App Platform against the fake: the active deployment's RUN log
// links (apps_get_logs_active_deployment) and the plain-text files behind them (a long log is
// several), each line "<component> <stamp> <text>" an entry, a line without a stamp kept,
// --since/--tail cut here, --grep before --tail, --follow asking again without repeats, and an
// app that is gone.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ctx, LogEntry, LogQuery } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { Stack, TargetSpec } from "../../src/manifest/types.js";
import { RUN_LOG_CHUNK, writeRunLog } from "../../test/fakes/digitalocean/apps.js";
import { ctxOf } from "../../test/fakes/digitalocean/http-stub.js";
import { startDoFake } from "../../test/fakes/digitalocean/server.js";
import type { DoFake } from "../../test/fakes/digitalocean/server.js";
import type { FakeApp } from "../../test/fakes/digitalocean/world.js";
import { appLogs, parseRunLine } from "./app-logs.js";
import type { AppState } from "./app-plan.js";
import { appPlatform } from "./app-platform.js";
import type { DoClients } from "./clients.js";

const APP_ID = "c2a93513-8d9b-4223-9d61-5e7272c81cf5";
const T0 = Date.parse("2026-12-07T10:00:00.000Z");
const state = { name: "shop-dev-web", appId: APP_ID } as AppState;
let fake: DoFake;
let ctx: Ctx<DoClients>;

beforeEach(async () => {
  fake = await startDoFake();
  const target = {
    name: "web",
    provider: "digitalocean",
    platform: "app-platform",
    options: appPlatform.options.parse({ region: "fra", endpoint: fake.url }) as unknown as Record<
      string,
      unknown
    >,
  } as TargetSpec;
  const clients = (await appPlatform.createClients!({
    target,
    env: { DIGITALOCEAN_TOKEN: "t", APISHIP_DO_POLL_MS: "2" },
  })) as DoClients;
  ctx = ctxOf(clients, { id: "shop/dev", targets: [target] } as unknown as Stack, target);
  fake.world.apps.set(APP_ID, {
    app: { id: APP_ID, spec: { name: state.name }, active_deployment: { id: "d1" } },
    deployments: [],
  } as unknown as FakeApp);
  // 150 lines a second apart, and a stack trace's continuation without a stamp: two files.
  writeRunLog(
    fake.world,
    APP_ID,
    "api",
    Array.from({ length: 150 }, (_, i) => ({ at: T0 + i * 1000, text: `GET /r${i} 200` })),
  );
  writeRunLog(fake.world, APP_ID, "api", [{ text: "    at handler (index.js:3:9)" }]);
});
afterEach(() => fake.close());

async function read(query: Partial<LogQuery>, s: AppState = state): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of appLogs(ctx, s, { follow: false, ...query })) out.push(e);
  return out;
}
const asked = () =>
  fake.requests
    .filter((r) => r.path.endsWith("/components/api/logs"))
    .map((r) => Object.fromEntries(r.query));

describe("digitalocean/app-platform logs (run logs of the active deployment)", () => {
  it("parses a line: component, nanosecond stamp, text; a line without a stamp keeps the last time", () => {
    expect(parseRunLine("api 2026-12-07T10:00:01.123456789Z listening on 8080", 0)).toMatchObject({
      time: "2026-12-07T10:00:01.123Z",
      stream: "api",
      message: "listening on 8080",
    });
    expect(parseRunLine("  at x", T0)).toEqual({ message: "  at x", at: T0, raw: "  at x" });
  });

  it("reads every historic file in order, as RUN with follow=false", async () => {
    const all = await read({});
    expect(all).toHaveLength(151);
    expect(all[0]).toEqual({ time: "2026-12-07T10:00:00.000Z", stream: "api", message: "GET /r0 200" });
    expect(all[RUN_LOG_CHUNK]).toMatchObject({ message: `GET /r${RUN_LOG_CHUNK} 200` });
    expect(all.at(-1)).toEqual({ message: "    at handler (index.js:3:9)" });
    expect(asked()).toEqual([{ type: "RUN", follow: "false" }]);
    expect(fake.requests.filter((r) => r.path.startsWith("/__runlogs/"))).toHaveLength(2);
    expect(fake.rejected).toEqual([]);
  });

  it("--since and --tail are cut here; --grep is applied before --tail", async () => {
    expect((await read({ since: new Date(T0 + 148_500) })).map((e) => e.message)).toEqual([
      "GET /r149 200",
      "    at handler (index.js:3:9)",
    ]);
    expect((await read({ tail: 2 })).map((e) => e.message)).toEqual([
      "GET /r149 200",
      "    at handler (index.js:3:9)",
    ]);
    expect((await read({ tail: 2, grep: "/\\/r1\\d 200/" })).map((e) => e.message)).toEqual([
      "GET /r18 200",
      "GET /r19 200",
    ]);
  });

  it("--follow yields the lines written later, once, until the signal aborts", async () => {
    const stop = new AbortController();
    const it = appLogs({ ...ctx, signal: stop.signal }, state, { follow: true, tail: 1 })[
      Symbol.asyncIterator
    ]();
    expect((await it.next()).value).toMatchObject({ message: "    at handler (index.js:3:9)" });
    writeRunLog(fake.world, APP_ID, "api", [
      { at: T0 + 200_000, text: "later" },
      { at: T0 + 200_000, text: "same ms" },
    ]);
    const next = [(await it.next()).value, (await it.next()).value] as LogEntry[];
    expect(next.map((e) => e.message)).toEqual(["later", "same ms"]);
    writeRunLog(fake.world, APP_ID, "api", [{ at: T0 + 201_000, text: "last" }]);
    expect((await it.next()).value).toMatchObject({ message: "last" });
    stop.abort();
    expect((await it.next()).done).toBe(true);
  });

  it("an app that is gone is a not-found error", async () => {
    const e = await read({}, { ...state, appId: "00000000-0000-0000-0000-000000000000" }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).code).toBe("NotFound");
  });
});
