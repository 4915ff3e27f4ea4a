// Fault injection for the test provider: every "API call" goes through call(), which can be
// slow, throttled, fail at random (retryably), fail on purpose (not retryably) or hang until
// the run is aborted. Faults strike before the call reaches the cloud file, so a failed call
// changed nothing, as with a throttled or refused request on a real control plane.

import type { Ctx } from "../../../src/core/provider.js";
import { ProviderError } from "../../../src/errors.js";

export interface Knobs {
  latencyMs: number;
  failureRate: number;
  throttleRate: number;
  hangRate: number;
  /** "op:type" patterns, "*" for either part. */
  failOn: string[];
  /** Uniform in [0, 1): seeded when the target sets `seed`, so a failing run can be replayed. */
  random: () => number;
}

export interface KnobOptions {
  latencyMs?: number;
  failureRate?: number;
  throttleRate?: number;
  hangRate?: number;
  failOn?: string | string[];
  seed?: number;
}

/** mulberry32: tiny, fast, good enough to pick which calls fail. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function knobsFrom(o: KnobOptions): Knobs {
  return {
    latencyMs: o.latencyMs ?? 0,
    failureRate: o.failureRate ?? 0,
    throttleRate: o.throttleRate ?? 0,
    hangRate: o.hangRate ?? 0,
    failOn: o.failOn === undefined ? [] : typeof o.failOn === "string" ? [o.failOn] : o.failOn,
    random: o.seed === undefined ? Math.random : seeded(o.seed),
  };
}

export function matchesFailOn(patterns: readonly string[], op: string, type: string): boolean {
  return patterns.some((p) => {
    const [pop = "", ptype = "*"] = p.split(":");
    return (pop === "*" || pop === op) && (ptype === "*" || ptype === type);
  });
}

export function aborted(what: string): ProviderError {
  return new ProviderError(`${what}: aborted`, {
    code: "ABORTED",
    fault: "user",
    hint: "the run was interrupted; the next deploy reads the cloud and picks up from there",
  });
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(aborted(what));
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(what));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

async function inject(k: Knobs, signal: AbortSignal, op: string, type: string, what: string): Promise<void> {
  if (matchesFailOn(k.failOn, op, type)) {
    throw new ProviderError(`${what}: failed (injected by failOn)`, {
      code: "InjectedFailure",
      hint: `the target's failOn option lists ${op}:${type}; remove it to let the call succeed`,
    });
  }
  if (k.random() < k.hangRate) await sleep(2 ** 31 - 1, signal, what);
  if (k.random() < k.throttleRate) {
    throw new ProviderError(`${what}: rate exceeded`, {
      code: "Throttling",
      retryable: true,
      hint: "the test cloud's throttleRate option injects this",
    });
  }
  if (k.random() < k.failureRate) {
    throw new ProviderError(`${what}: service unavailable`, {
      code: "ServiceUnavailable",
      retryable: true,
      hint: "the test cloud's failureRate option injects this",
    });
  }
}

/**
 * One API call. Reads ("read") are only slowed, never failed: planning has no retry loop, and
 * the knobs exist to exercise the executor's. Mutations get every fault the knobs ask for.
 */
export async function call<T>(
  ctx: Pick<Ctx<{ knobs: Knobs }>, "clients" | "signal">,
  op: string,
  type: string,
  name: string,
  fn: () => T,
): Promise<T> {
  const k = ctx.clients.knobs;
  const what = `${op} ${type} ${name}`;
  if (ctx.signal.aborted) throw aborted(what);
  if (k.latencyMs > 0) await sleep(k.latencyMs, ctx.signal, what);
  if (op !== "read") await inject(k, ctx.signal, op, type, what);
  if (ctx.signal.aborted) throw aborted(what);
  return fn();
}
