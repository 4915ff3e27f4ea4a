// apiship logs on Azure App Service and Function Apps against the fake's Kudu host: the
// container log files of /api/logs/docker (one per instance) read through their hrefs' paths on
// the SCM host apiship dials, each line an entry (its stamp, the instance as the stream), a line
// without a stamp kept, --since skipping files not written since and cutting lines, --tail and
// --grep, --follow reading the changed files again without repeats, and an undeployed target.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ctx, DeployableTarget, LogEntry, LogQuery } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { azureWorld, deployIn, SUBSCRIPTION } from "../../test/fakes/azure/harness.js";
import type { AzureWorld } from "../../test/fakes/azure/harness.js";
import { writeDockerLog } from "../../test/fakes/azure/routes-extra.js";
import { appService } from "./app-service.js";
import type { AppServiceOptions } from "./app-service.js";
import type { AppServiceState } from "./app-service-state.js";
import type { AzureClients } from "./clients.js";
import { functions } from "./functions.js";
import type { FunctionsState } from "./functions-state.js";
import { parseDockerLine, scmHostFor } from "./kudu-logs.js";

const NAME = "shop-dev-web";
const T0 = Date.parse("2026-12-07T10:00:00.000Z");
const adapter = appService as DeployableTarget<AppServiceOptions, AppServiceState, AzureClients>;
let w: AzureWorld<AppServiceOptions, AppServiceState>;
let state: AppServiceState;
let ctx: Ctx<AzureClients>;

beforeEach(async () => {
  w = await azureWorld(adapter, {
    name: "web",
    platform: "app-service",
    options: appService.options.parse({
      subscription: SUBSCRIPTION,
      resourceGroup: "rg-shop-dev",
      location: "westeurope",
    }) as AppServiceOptions & Record<string, unknown>,
    sitesByHost: true,
  });
  state = (await deployIn(w, NAME)).result.state as AppServiceState;
  ctx = await w.ctx();
  // Two instances, interleaved in time.
  writeDockerLog(
    w.fake.world,
    NAME,
    "lw0sdlwk000001",
    Array.from({ length: 5 }, (_, i) => ({ at: T0 + i * 2000, text: `a${i}` })),
  );
  writeDockerLog(
    w.fake.world,
    NAME,
    "lw0sdlwk000002",
    Array.from({ length: 5 }, (_, i) => ({ at: T0 + i * 2000 + 1000, text: `b${i}` })),
  );
});
afterEach(() => w.close());

async function read(query: Partial<LogQuery>, s: AppServiceState = state): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of appService.logs!(ctx, s, { follow: false, ...query })) out.push(e);
  return out;
}
const kuduCalls = () => w.fake.requests.filter((r) => /^\/api\/(logs|vfs)\//.test(r.path)).map((r) => r.path);

describe("azure logs (Kudu container log files)", () => {
  it("parses a line: the 7-digit stamp, the text; a line without one keeps the time before it", () => {
    expect(parseDockerLine("2026-12-07T10:00:01.1234567Z listening", "m1", 0)).toEqual({
      time: "2026-12-07T10:00:01.123Z",
      stream: "m1",
      message: "listening",
      at: T0 + 1123,
      raw: "2026-12-07T10:00:01.1234567Z listening",
    });
    expect(parseDockerLine("  at x", "m1", T0)).toMatchObject({ message: "  at x", at: T0 });
  });

  it("reads every instance's file on the SCM host, merged oldest first", async () => {
    const all = await read({});
    expect(all.map((e) => e.message)).toEqual(["a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3", "a4", "b4"]);
    expect(all[0]).toEqual({ time: "2026-12-07T10:00:00.000Z", stream: "lw0sdlwk000001", message: "a0" });
    expect(kuduCalls()).toEqual([
      "/api/logs/docker",
      "/api/vfs/LogFiles/2026_12_07_lw0sdlwk000001_default_docker.log",
      "/api/vfs/LogFiles/2026_12_07_lw0sdlwk000002_default_docker.log",
    ]);
    const listing = w.fake.requests.find((r) => r.path === "/api/logs/docker");
    expect(listing?.headers.host).toBe(scmHostFor(state.site!.hostName));
  });

  it("--since skips files not written since and cuts lines; --tail; --grep before --tail", async () => {
    writeDockerLog(w.fake.world, NAME, "lw0sdlwk000003", [{ at: T0 - 60_000, text: "old instance" }]);
    expect((await read({ since: new Date(T0 + 7000) })).map((e) => e.message)).toEqual(["b3", "a4", "b4"]);
    expect(kuduCalls().filter((p) => p.includes("000003"))).toEqual([]);
    expect((await read({ tail: 2 })).map((e) => e.message)).toEqual(["a4", "b4"]);
    expect((await read({ tail: 2, grep: "a" })).map((e) => e.message)).toEqual(["a3", "a4"]);
  });

  it("--follow yields the lines written later, once, until the signal aborts", async () => {
    const stop = new AbortController();
    const it = appService.logs!({ ...ctx, signal: stop.signal }, state, { follow: true, tail: 1 })[
      Symbol.asyncIterator
    ]();
    expect((await it.next()).value).toMatchObject({ message: "b4" });
    writeDockerLog(w.fake.world, NAME, "lw0sdlwk000001", [
      { at: T0 + 20_000, text: "later" },
      { at: T0 + 20_000, text: "same ms" },
    ]);
    const next = [(await it.next()).value, (await it.next()).value] as LogEntry[];
    expect(next.map((e) => e.message)).toEqual(["later", "same ms"]);
    writeDockerLog(w.fake.world, NAME, "lw0sdlwk000002", [{ at: T0 + 21_000, text: "last" }]);
    expect((await it.next()).value).toMatchObject({ message: "last", stream: "lw0sdlwk000002" });
    stop.abort();
    expect((await it.next()).done).toBe(true);
  });

  it("a function app reads its recorded Kudu host; no site recorded is a not-found error", async () => {
    const fn = { name: NAME, app: { scmHost: scmHostFor(state.site!.hostName) } } as FunctionsState;
    const got: LogEntry[] = [];
    for await (const e of functions.logs!(ctx, fn, { follow: false, tail: 1 })) got.push(e);
    expect(got.map((e) => e.message)).toEqual(["b4"]);
    const e = await read({}, { ...state, site: undefined } as AppServiceState).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).hint).toMatch(/deploy the target first/);
  });
});
