// apiship logs on AWS against the fake's CloudWatch Logs: FilterLogEvents paged by nextToken,
// --since as startTime, --tail newest first, --grep as a filterPattern (substring) or here only
// (regex), --follow polling from the last timestamp without repeats, and a missing log group.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pinClockBefore } from "../../test/support/clock.js";
import type { Ctx, LogEntry, LogQuery } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { ECS_NAME, ecsAdapter, ecsDeploy, ecsWorld } from "../../test/fakes/aws/ecs-harness.js";
import type { EcsWorld } from "../../test/fakes/aws/ecs-harness.js";
import { NAME, adapter, lambdaWorld } from "../../test/fakes/aws/harness.js";
import type { LambdaWorld } from "../../test/fakes/aws/harness.js";
import { appendLogEvents } from "../../test/fakes/aws/log-events.js";
import type { AwsClients } from "./clients.js";
import { filterPatternOf } from "./cloudwatch-logs.js";
import type { LambdaState } from "./lambda-state.js";

const GROUP = `/aws/lambda/${NAME}`;
const STREAM = "2026/12/07/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const T0 = Date.parse("2026-12-07T10:00:00.000Z");

afterEach(() => vi.useRealTimers());
const state = { name: NAME, region: "us-east-1" } as LambdaState;

let w: LambdaWorld;
beforeEach(async () => {
  w = await lambdaWorld();
  w.fake.world.logs.pageLimit = 4;
});
afterEach(() => w.close());

/** n lines, one a second from T0, "line 0" .. "line n-1". */
function seed(n: number, from = 0, stream = STREAM): void {
  appendLogEvents(
    w.fake.world,
    GROUP,
    stream,
    Array.from({ length: n }, (_, i) => ({
      timestamp: T0 + (from + i) * 1000,
      message: `line ${from + i}\n`,
    })),
  );
}

async function withSignal(signal: AbortSignal): Promise<Ctx<AwsClients>> {
  return { ...(await w.ctx()), signal };
}

async function read(query: Partial<LogQuery>): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  const ctx = await w.ctx();
  for await (const e of adapter.logs!(ctx, state, { follow: false, ...query })) out.push(e);
  return out;
}

const filterCalls = () =>
  w.fake.requests
    .filter((r) => r.headers["x-amz-target"] === "Logs_20140328.FilterLogEvents")
    .map((r) => r.json as Record<string, unknown>);

describe("aws/lambda logs (CloudWatch Logs)", () => {
  it("reads every page of the function's log group, oldest first, one line per entry", async () => {
    seed(10);
    const all = await read({});
    expect(all.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`));
    expect(all[0]).toEqual({
      time: "2026-12-07T10:00:00.000Z",
      stream: "[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0",
      message: "line 0",
    });
    // 10 events in pages of 4: three calls, the later ones carrying the token.
    const calls = filterCalls();
    expect(calls).toHaveLength(3);
    expect(calls[0]).toEqual({ logGroupName: GROUP });
    expect(calls[2]?.nextToken).toEqual(expect.any(String));
  });

  it("--since is the startTime", async () => {
    seed(10);
    const since = new Date(T0 + 7000);
    expect((await read({ since })).map((e) => e.message)).toEqual(["line 7", "line 8", "line 9"]);
    expect(filterCalls()[0]?.startTime).toBe(T0 + 7000);
  });

  it("--tail reads newest first and stops paging once it has enough", async () => {
    seed(20);
    expect((await read({ tail: 3 })).map((e) => e.message)).toEqual(["line 17", "line 18", "line 19"]);
    const calls = filterCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ startFromHead: false, startTime: Date.UTC(2024, 0, 1) });
    // Across pages, and the newest matching (a regex is filtered here, not by CloudWatch).
    expect((await read({ tail: 6 })).map((e) => e.message)).toEqual(
      [14, 15, 16, 17, 18, 19].map((i) => `line ${i}`),
    );
    expect((await read({ tail: 2, grep: "/line 1[0-2]$/" })).map((e) => e.message)).toEqual([
      "line 11",
      "line 12",
    ]);
    expect(await read({ tail: 0 })).toEqual([]);
  });

  it("--grep: a substring goes to CloudWatch as a quoted term, a regex does not", async () => {
    seed(12);
    expect((await read({ grep: "line 1" })).map((e) => e.message)).toEqual(["line 1", "line 10", "line 11"]);
    expect(filterCalls()[0]?.filterPattern).toBe('"line 1"');
    expect((await read({ grep: "/^line [2-3]$/" })).map((e) => e.message)).toEqual(["line 2", "line 3"]);
    expect(filterCalls().at(-1)).not.toHaveProperty("filterPattern");
    expect(filterPatternOf('say "hi"')).toBeUndefined();
    expect(filterPatternOf("a b")).toBe('"a b"');
  });

  it("--follow yields what is written later, once, until the signal aborts", async () => {
    // Following starts from the later of the clock and the newest entry printed. The seeded
    // entries are dated T0, so the clock is pinned before it: on a real clock past T0 the
    // entries "written later" would be older than where following starts, and never come.
    pinClockBefore(T0);
    seed(3);
    const stop = new AbortController();
    const it = adapter.logs!(await withSignal(stop.signal), state, { follow: true, tail: 2 })[
      Symbol.asyncIterator
    ]();
    expect((await it.next()).value).toMatchObject({ message: "line 1" });
    expect((await it.next()).value).toMatchObject({ message: "line 2" });
    // Written after the first read; one of them late (ingested after, timestamped before, line 2).
    seed(2, 3);
    appendLogEvents(w.fake.world, GROUP, STREAM, [{ timestamp: T0 + 1500, message: "late" }]);
    const next = [(await it.next()).value, (await it.next()).value, (await it.next()).value] as LogEntry[];
    expect(next.map((e) => e.message)).toEqual(["late", "line 3", "line 4"]);
    stop.abort();
    expect((await it.next()).done).toBe(true);
  });

  it("a missing log group says why, with what to do", async () => {
    const e = await read({}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).message).toBe(`log group ${GROUP} does not exist`);
    expect((e as ProviderError).hint).toMatch(/Lambda creates .* when the function first logs/);
  });
});

describe("aws/ecs-fargate logs (CloudWatch Logs)", () => {
  let ew: EcsWorld;
  beforeEach(async () => {
    ew = await ecsWorld();
  });
  afterEach(() => ew.close());

  it("reads the awslogs group and stream prefix of the deployed task definition", async () => {
    const { result } = await ecsDeploy(ew);
    const group = result.state.taskDefinition?.logGroup as string;
    expect(group).toBe(`/ecs/${ECS_NAME}`);
    appendLogEvents(ew.fake.world, group, "app/app/4f1c0e2b9a8d4c7e", [
      { timestamp: T0, message: "listening on :8080" },
    ]);
    // Another writer's stream in the same group is not the service's.
    appendLogEvents(ew.fake.world, group, "other/x/1", [{ timestamp: T0 + 1, message: "not ours" }]);
    const out: LogEntry[] = [];
    for await (const e of ecsAdapter.logs!(await ew.ctx(), result.state, { follow: false })) out.push(e);
    expect(out).toEqual([
      { time: "2026-12-07T10:00:00.000Z", stream: "4f1c0e2b9a8d4c7e", message: "listening on :8080" },
    ]);
  });
});
