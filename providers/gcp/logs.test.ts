// apiship logs on Google Cloud against the fake's Cloud Logging entries.list: the Cloud Run
// service's entries (and a gen2 function's, under its Run service) paged by nextPageToken,
// --since as a timestamp term, --tail newest first, --grep server-side (substring) or here only
// (regex), --follow polling without repeats, and the API's refusal of a filter it cannot parse.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pinClockBefore } from "../../test/support/clock.js";
import type { Ctx, LogEntry, LogQuery, TargetAdapter } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { PROJECT, REGION, gcpWorld } from "../../test/fakes/gcp/harness.js";
import type { GcpWorldHandle } from "../../test/fakes/gcp/harness.js";
import { parseFilter, writeEntries } from "../../test/fakes/gcp/logging.js";
import type { GcpClients } from "./clients.js";
import { cloudFunctions } from "./cloud-functions.js";
import { cloudRun } from "./cloud-run.js";
import { grepTerm, messageOf, quote, readCloudLogging, runServiceFilter } from "./logging.js";
import type { RunState } from "./run-state.js";
import type { FunctionsState } from "./functions-state.js";

const SERVICE = "shop-dev-api";
const T0 = Date.parse("2026-12-07T10:00:00.000Z");

afterEach(() => vi.useRealTimers());
const state: RunState = { name: SERVICE, project: PROJECT, region: REGION };
const runAdapter = cloudRun as unknown as Required<
  TargetAdapter<Record<string, unknown>, RunState, GcpClients>
>;

let w: GcpWorldHandle;
beforeEach(async () => {
  w = await gcpWorld(cloudRun as unknown as TargetAdapter<Record<string, unknown>, object, GcpClients>);
  w.fake.world.logPageLimit = 4;
});
afterEach(() => w.close());

function seed(n: number, from = 0, service = SERVICE): void {
  writeEntries(
    w.fake.world,
    Array.from({ length: n }, (_, k) => ({
      logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstdout`,
      resource: {
        type: "cloud_run_revision",
        labels: {
          service_name: service,
          location: REGION,
          revision_name: `${service}-00001-abc`,
          project_id: PROJECT,
        },
      },
      timestamp: new Date(T0 + (from + k) * 1000).toISOString(),
      textPayload: `line ${from + k}`,
    })),
  );
}

async function read(query: Partial<LogQuery>, ctx?: Ctx<GcpClients>): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of runAdapter.logs((ctx ?? (await w.ctx())) as never, state, {
    follow: false,
    ...query,
  }))
    out.push(e);
  return out;
}
const listCalls = () =>
  w.fake.requests.filter((r) => r.path === "/v2/entries:list").map((r) => r.json as Record<string, unknown>);

describe("gcp/cloud-run logs (Cloud Logging entries.list)", () => {
  it("reads every page of the service's entries, oldest first", async () => {
    seed(10);
    seed(3, 0, "another-service");
    const all = await read({});
    expect(all.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`));
    expect(all[0]).toEqual({
      time: "2026-12-07T10:00:00.000Z",
      stream: `${SERVICE}-00001-abc`,
      message: "line 0",
    });
    const calls = listCalls();
    expect(calls).toHaveLength(3);
    expect(calls[0]).toEqual({
      resourceNames: [`projects/${PROJECT}`],
      filter: runServiceFilter(SERVICE, REGION),
      orderBy: "timestamp asc",
      pageSize: 1000,
    });
    expect(calls[1]?.pageToken).toEqual(expect.any(String));
  });

  it("--since is a timestamp term", async () => {
    seed(10);
    expect((await read({ since: new Date(T0 + 7000) })).map((e) => e.message)).toEqual([
      "line 7",
      "line 8",
      "line 9",
    ]);
    expect(listCalls()[0]?.filter).toContain(`timestamp >= "2026-12-07T10:00:07.000Z"`);
  });

  it("--tail reads newest first and stops once it has enough", async () => {
    seed(20);
    expect((await read({ tail: 3 })).map((e) => e.message)).toEqual(["line 17", "line 18", "line 19"]);
    expect(listCalls()).toHaveLength(1);
    expect(listCalls()[0]?.orderBy).toBe("timestamp desc");
    expect((await read({ tail: 6 })).map((e) => e.message)).toEqual(
      [14, 15, 16, 17, 18, 19].map((i) => `line ${i}`),
    );
    expect((await read({ tail: 2, grep: "/^line 1[0-2]$/" })).map((e) => e.message)).toEqual([
      "line 11",
      "line 12",
    ]);
  });

  it("--grep: a substring is a has-term on the payloads, a regex stays here", async () => {
    seed(12);
    expect((await read({ grep: "line 1" })).map((e) => e.message)).toEqual(["line 1", "line 10", "line 11"]);
    expect(listCalls()[0]?.filter).toContain(`(textPayload:"line 1" OR jsonPayload.message:"line 1")`);
    // The API's has-operator ignores case; the engine's substring does not.
    expect((await read({ grep: "LINE 1" })).map((e) => e.message)).toEqual([]);
    expect((await read({ grep: "/^line [23]$/" })).map((e) => e.message)).toEqual(["line 2", "line 3"]);
    expect(listCalls().at(-1)?.filter).toBe(runServiceFilter(SERVICE, REGION));
    expect(grepTerm('say "hi" \\o/')).toBe(
      '(textPayload:"say \\"hi\\" \\\\o/" OR jsonPayload.message:"say \\"hi\\" \\\\o/")',
    );
  });

  it("--follow yields later entries once, until the signal aborts", async () => {
    // Following starts from the later of the clock and the newest entry printed. The seeded
    // entries are dated T0, so the clock is pinned before it: on a real clock past T0 the
    // entries "written later" would be older than where following starts, and never come.
    pinClockBefore(T0);
    seed(3);
    const stop = new AbortController();
    const followed = runAdapter.logs({ ...(await w.ctx()), signal: stop.signal } as never, state, {
      follow: true,
      tail: 1,
    });
    const it = followed[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ message: "line 2" });
    seed(2, 3);
    // Late: received after line 2 was shown, stamped before it.
    writeEntries(w.fake.world, [
      {
        logName: `projects/${PROJECT}/logs/run.googleapis.com%2Fstderr`,
        resource: { type: "cloud_run_revision", labels: { service_name: SERVICE, location: REGION } },
        timestamp: new Date(T0 + 1500).toISOString(),
        jsonPayload: { message: "late", severity: "ERROR" },
      },
    ]);
    const next = [(await it.next()).value, (await it.next()).value, (await it.next()).value] as LogEntry[];
    expect(next.map((e) => e.message)).toEqual(["late", "line 3", "line 4"]);
    stop.abort();
    expect((await it.next()).done).toBe(true);
  });

  it("a filter the API cannot parse is INVALID_ARGUMENT, mapped with its message", async () => {
    const ctx = await w.ctx();
    const bad = (async () => {
      for await (const _ of readCloudLogging(
        {
          clients: ctx.clients,
          target: "api",
          project: PROJECT,
          resource: "resource.type = cloud_run_revision",
          signal: ctx.signal,
        },
        { follow: false },
      ))
        void _;
    })();
    const e = await bad.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).message).toMatch(/^ListLogEntries: Unparseable filter/);
    expect(() => parseFilter('NOT textPayload:"x"')).toThrow(/Unparseable/);
    expect(() => parseFilter('textPayload =~ "x"')).toThrow(/Unparseable/);
  });

  it("a project the credentials cannot see says so", async () => {
    w.fake.world.knownProjects = new Set(["other"]);
    const e = await read({}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).message).toMatch(/Permission denied on resource project acme-shop/);
  });

  it("messageOf: text, JSON message, a request log's request, else the JSON", () => {
    expect(messageOf({ textPayload: "a\n" })).toBe("a");
    expect(messageOf({ jsonPayload: { message: "b" } })).toBe("b");
    expect(
      messageOf({ httpRequest: { requestMethod: "GET", requestUrl: "https://x/healthz", status: 200 } }),
    ).toBe("GET https://x/healthz 200");
    expect(messageOf({ jsonPayload: { a: 1 } })).toBe('{"a":1}');
    expect(quote('a"b')).toBe('"a\\"b"');
  });
});

describe("gcp/cloud-functions logs", () => {
  it("reads the gen2 function's Cloud Run service", async () => {
    seed(2, 0, "shop-dev-fn");
    const fnState = {
      name: "shop-dev-fn",
      project: PROJECT,
      region: REGION,
      function: { runService: `projects/${PROJECT}/locations/${REGION}/services/shop-dev-fn` },
    } as FunctionsState;
    const adapter = cloudFunctions as unknown as Required<
      TargetAdapter<Record<string, unknown>, FunctionsState, GcpClients>
    >;
    const out: LogEntry[] = [];
    for await (const e of adapter.logs((await w.ctx()) as never, fnState, { follow: false })) out.push(e);
    expect(out.map((e) => e.message)).toEqual(["line 0", "line 1"]);
    expect(listCalls()[0]?.filter).toBe(runServiceFilter("shop-dev-fn", REGION));
  });
});

describe("firebase/functions logs", () => {
  it("are the function's, read through gcp/cloud-functions; no function, no entries", async () => {
    const { functions } = await import("../firebase/functions.js");
    seed(2, 0, "shop-dev-fb");
    const base = await w.ctx();
    const target = {
      name: "api",
      provider: "firebase",
      platform: "functions",
      options: functions.options.parse({ project: PROJECT, region: REGION, endpoint: w.fake.url }),
    };
    const ctx = { ...base, target, clients: { fn: base.clients, hosting: {} } };
    const fnState = {
      name: "shop-dev-fb",
      project: PROJECT,
      region: REGION,
      function: { runService: `projects/${PROJECT}/locations/${REGION}/services/shop-dev-fb` },
    };
    const adapter = functions as unknown as { logs: (...a: unknown[]) => AsyncIterable<LogEntry> };
    const out: LogEntry[] = [];
    for await (const e of adapter.logs(ctx, { function: fnState }, { follow: false })) out.push(e);
    expect(out.map((e) => e.message)).toEqual(["line 0", "line 1"]);
    const none: LogEntry[] = [];
    for await (const e of adapter.logs(ctx, {}, { follow: false })) none.push(e);
    expect(none).toEqual([]);
  });
});
