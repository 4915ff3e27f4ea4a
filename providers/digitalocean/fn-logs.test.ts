// apiship logs on DigitalOcean Functions against the fake's namespace host: the action's
// activations paged newest first (200 a page), each log line an entry (its own stamp, stdout or
// stderr, the activation's id leading the message), --since sent and cut, --tail stopping the
// paging, --grep before --tail, --follow polling without repeats, and a missing namespace.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pinClockBefore } from "../../test/support/clock.js";
import type { Ctx, LogEntry, LogQuery } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { Stack, TargetSpec } from "../../src/manifest/types.js";
import { writeActivation } from "../../test/fakes/digitalocean/functions.js";
import { ctxOf } from "../../test/fakes/digitalocean/http-stub.js";
import { startDoFake } from "../../test/fakes/digitalocean/server.js";
import type { DoFake } from "../../test/fakes/digitalocean/server.js";
import type { DoClients } from "./clients.js";
import { parseActivationLine } from "./fn-logs.js";
import type { FnState } from "./fn-plan.js";
import { functions } from "./functions.js";
import type { NamespaceInfo } from "./types.js";

const NAME = "shop-dev-api";
const T0 = Date.parse("2026-12-07T10:00:00.000Z");

afterEach(() => vi.useRealTimers());
const logs = functions.logs!;
let fake: DoFake;
let ctx: Ctx<DoClients>;
let ns: NamespaceInfo;
let state: FnState;

beforeEach(async () => {
  fake = await startDoFake();
  const target = {
    name: "api",
    provider: "digitalocean",
    platform: "functions",
    options: functions.options.parse({ region: "fra1", endpoint: fake.url }) as unknown as Record<
      string,
      unknown
    >,
  } as TargetSpec;
  const clients = (await functions.createClients!({
    target,
    env: { DIGITALOCEAN_TOKEN: "t", APISHIP_DO_POLL_MS: "2" },
  })) as DoClients;
  ctx = ctxOf(clients, { id: "shop/dev", targets: [target] } as unknown as Stack, target);
  ns = await clients.api.createNamespace({ region: "fra1", label: "shop-dev" }, ctx.signal);
  state = {
    name: NAME,
    namespace: {
      id: ns.uuid,
      namespace: ns.namespace,
      apiHost: ns.api_host,
      created: true,
      region: "fra1",
      label: "shop-dev",
    },
  } as FnState;
  // 250 activations, one a second, two lines each (the second on stderr): two pages' worth.
  for (let i = 0; i < 250; i++)
    writeActivation(fake.world, ns.namespace, {
      name: NAME,
      start: T0 + i * 1000,
      lines: [
        { at: T0 + i * 1000 + 1, text: `request ${i}` },
        { at: T0 + i * 1000 + 2, text: `done ${i}`, stderr: true },
      ],
    });
  writeActivation(fake.world, ns.namespace, {
    name: "other-action",
    start: T0,
    lines: [{ at: T0, text: "not ours" }],
  });
});
afterEach(() => fake.close());

async function read(query: Partial<LogQuery>, s: FnState = state): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of logs(ctx, s, { follow: false, ...query })) out.push(e);
  return out;
}
const listed = () =>
  fake.requests.filter((r) => r.path.endsWith("/activations")).map((r) => Object.fromEntries(r.query));
const text = (e: LogEntry) => e.message.replace(/^\S+ /, "");

describe("digitalocean/functions logs (activations)", () => {
  it("parses OpenWhisk's lines: nanosecond stamps, stdout/stderr, a line without a stamp", () => {
    const act = { activationId: "0123456789abcdef", name: NAME, start: T0 };
    expect(parseActivationLine("2026-12-07T10:00:01.123456789Z stderr: boom", act, 0)).toMatchObject({
      time: "2026-12-07T10:00:01.123Z",
      stream: "stderr",
      message: "0123456789ab boom",
    });
    expect(parseActivationLine("plain", act, 1)).toMatchObject({
      time: "2026-12-07T10:00:00.000Z",
      message: "0123456789ab plain",
    });
  });

  it("reads every page of the action's activations, oldest line first", async () => {
    const all = await read({});
    expect(all).toHaveLength(500);
    expect(all[0]).toMatchObject({ time: "2026-12-07T10:00:00.001Z", stream: "stdout" });
    expect(text(all[0]!)).toBe("request 0");
    expect(all[1]).toMatchObject({ stream: "stderr" });
    expect(text(all.at(-1)!)).toBe("done 249");
    expect(all.some((e) => e.message.includes("not ours"))).toBe(false);
    expect(listed()).toEqual([
      { name: NAME, limit: "200", skip: "0", docs: "true" },
      { name: NAME, limit: "200", skip: "200", docs: "true" },
    ]);
    // Each line of one run carries the run's id.
    expect(all[0]!.message.split(" ")[0]).toBe(all[1]!.message.split(" ")[0]);
    expect(fake.rejected).toEqual([]);
  });

  it("--since is sent as `since` a minute early (a run started before it) and cut by each line's time", async () => {
    const got = await read({ since: new Date(T0 + 248_002) });
    expect(got.map(text)).toEqual(["done 248", "request 249", "done 249"]);
    expect(listed()).toEqual([
      { name: NAME, since: String(T0 + 188_002), limit: "200", skip: "0", docs: "true" },
    ]);
  });

  it("--tail stops paging once it has the lines; --grep is applied before --tail", async () => {
    expect((await read({ tail: 3 })).map(text)).toEqual(["done 248", "request 249", "done 249"]);
    expect(listed()).toHaveLength(1);
    expect((await read({ tail: 2, grep: "/^\\S+ request 1\\d$/" })).map(text)).toEqual([
      "request 18",
      "request 19",
    ]);
    expect(listed()).toHaveLength(3);
  });

  it("--follow yields the runs listed later, once each, until the signal aborts", async () => {
    // Following starts from the later of the clock and the newest entry printed. The seeded
    // entries are dated T0, so the clock is pinned before it: on a real clock past T0 the
    // entries "written later" would be older than where following starts, and never come.
    pinClockBefore(T0);
    const stop = new AbortController();
    const it = logs({ ...ctx, signal: stop.signal }, state, { follow: true, tail: 1 })[
      Symbol.asyncIterator
    ]();
    expect(text((await it.next()).value as LogEntry)).toBe("done 249");
    writeActivation(fake.world, ns.namespace, {
      name: NAME,
      start: T0 + 300_000,
      lines: [
        { at: T0 + 300_001, text: "later" },
        { at: T0 + 300_001, text: "same ms" },
      ],
    });
    const next = [(await it.next()).value, (await it.next()).value] as LogEntry[];
    expect(next.map(text)).toEqual(["later", "same ms"]);
    // A run that started earlier but ended later is listed late and still shown.
    writeActivation(fake.world, ns.namespace, {
      name: NAME,
      start: T0 + 299_000,
      lines: [{ at: T0 + 301_000, text: "slow run" }],
    });
    expect(text((await it.next()).value as LogEntry)).toBe("slow run");
    stop.abort();
    expect((await it.next()).done).toBe(true);
  });

  it("a namespace that is gone is a not-found error; an undeployed target says to deploy", async () => {
    const gone = { ...state, namespace: { ...state.namespace!, namespace: "fn-gone" } };
    const e = await read({}, gone).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).code).toBe("NotFound");
    const none = await read({}, { name: NAME }).catch((x: unknown) => x);
    expect((none as ProviderError).hint).toMatch(/deploy the target first/);
  });
});
