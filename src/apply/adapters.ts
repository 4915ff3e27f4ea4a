// How the engine reaches one target's adapter: its platform resolved through the registry
// (descriptor-only platforms get the manifest-only stand-in, whose apply refuses), its
// physical name, its clients (built once per target and run) and the Ctx handed to each call.

import type { Ctx, DeployableTarget, Logger, Progress } from "../core/provider.js";
import type { Registry } from "../core/registry.js";
import { ProviderError } from "../errors.js";
import { targetPhysicalName } from "../manifest/names.js";
import type { Stack, TargetSpec } from "../manifest/types.js";
import { splitRecordedState } from "../plan/assemble.js";
import { resolveAdapter } from "../plan/refresh.js";
import type { TargetRecord } from "../state/store.js";
import type { RetryPolicy } from "./retry.js";
import { callRetryPolicy } from "./retry.js";
import type { ProgressEvent } from "./types.js";

export type Emit = (event: ProgressEvent) => void;

export interface TargetHandle {
  name: string;
  spec: TargetSpec;
  adapter: DeployableTarget;
  /** Deterministic physical base name. */
  baseName: string;
  clients(): Promise<unknown>;
  ctx(clients: unknown, signal: AbortSignal): Ctx<unknown>;
}

/**
 * The spec of a target: the manifest's, or for a target removed from the stack one rebuilt from
 * its record, with the options it was last applied with.
 */
export function specOf(stack: Stack, name: string, record: TargetRecord | undefined): TargetSpec | undefined {
  const spec = stack.targets.find((t) => t.name === name);
  if (spec) return spec;
  if (!record) return undefined;
  const [provider = "", platform = ""] = record.platform.split("/");
  return { name, provider, platform, options: record.options ?? {} };
}

/**
 * Adapters announce each mutating call with step() before they make it. Once the run's soft stop
 * fired (the first Ctrl-C), a step that has not started must not start (DESIGN.md §6): step()
 * throws, the adapter's call unwinds, and the intent log lets the next run converge whatever
 * the target had done so far.
 */
function progressFor(target: string, emit: Emit, stop: AbortSignal | undefined): Progress {
  return {
    step: (step) => {
      if (stop?.aborted) throw stepInterrupted(target, step);
      emit({ type: "step-start", target, step });
    },
    done: (step) => emit({ type: "step-end", target, step, ok: true }),
  };
}

export function stepInterrupted(target: string, step: string): ProviderError {
  return new ProviderError(`${target}: "${step}" not started, the run was interrupted`, {
    code: "INTERRUPTED",
    fault: "user",
    target,
    hint: "run the deploy again: it reads the cloud and finishes what this run started",
  });
}

function loggerFor(target: string, emit: Emit): Logger {
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => emit({ type: "warning", message, target }),
  };
}

export interface HandleOptions {
  registry: Registry;
  stack: Stack;
  env: Record<string, string | undefined>;
  emit: Emit;
  /** The run's soft stop: once aborted, adapters' steps refuse to start. */
  stop?: AbortSignal;
  /** The run's retry policy, handed to the clients for each call they send. */
  retry?: Partial<RetryPolicy> & { random?: () => number };
}

/** The handle of target `name`; throws a ProviderError when its platform cannot be reached. */
export async function targetHandle(
  opts: HandleOptions,
  name: string,
  record: TargetRecord | undefined,
): Promise<TargetHandle> {
  const spec = specOf(opts.stack, name, record);
  if (!spec) {
    throw new ProviderError(`target "${name}" is neither in stack ${opts.stack.id} nor in its state`, {
      code: "UNKNOWN_TARGET",
      fault: "user",
      target: name,
      hint: "re-run `apiship plan`: the plan names a target this stack does not have",
    });
  }
  const resolved = await resolveAdapter(opts.registry, spec);
  if (!resolved.ok) {
    const d = resolved.diagnostic;
    throw new ProviderError(d.message, {
      code: d.code,
      fault: "user",
      target: name,
      ...(d.hint ? { hint: d.hint } : {}),
    });
  }
  const adapter = resolved.adapter;
  const inStack = opts.stack.targets.some((t) => t.name === name);
  const baseName = inStack || !record ? targetPhysicalName(opts.stack, spec, adapter.naming) : record.name;
  let clients: Promise<unknown> | undefined;
  // Each call's retries are reported like a step's, named by the call (GetFunction, GET /v2/apps).
  const retry = callRetryPolicy(opts.retry ?? {}, (r) =>
    opts.emit({
      type: "retry",
      target: name,
      step: r.call,
      attempt: r.attempt,
      delayMs: r.delayMs,
      code: r.code,
    }),
  );
  return {
    name,
    spec,
    adapter,
    baseName,
    clients: () =>
      (clients ??= Promise.resolve().then(() =>
        adapter.createClients({ target: spec, env: opts.env, retry }),
      )),
    ctx: (c, signal) => ({
      clients: c,
      stack: opts.stack,
      target: spec,
      progress: progressFor(name, opts.emit, opts.stop),
      log: loggerFor(name, opts.emit),
      signal,
    }),
  };
}

/** The adapter's own part of a record's state (the engine's resource list stripped). */
export function adapterStateOf(record: TargetRecord | undefined): Record<string, unknown> | undefined {
  return record ? splitRecordedState(record.state).adapterState : undefined;
}
