// Planning a stack end to end: read the state (never the lock: planning writes nothing but a
// fresh stack's secret key), find each target's adapter, refresh, fingerprint secrets, ask each
// adapter's pure plan(), assemble. A failure in one target becomes a diagnostic of that
// target; the others still plan, and the CLI exits 1 when any diagnostic is an error.

import { setMaxListeners } from "node:events";
import { dirname, resolve } from "node:path";
import type { Artifact, DeployableTarget } from "../core/provider.js";
import { codeIdentity } from "../core/provider.js";
import type { Registry } from "../core/registry.js";
import { UsageError, toApishipError } from "../errors.js";
import { targetPhysicalName } from "../manifest/names.js";
import { functionInterface } from "../manifest/runtimes.js";
import type { Stack, TargetSpec } from "../manifest/types.js";
import type { StackState, StateStore } from "../state/store.js";
import type { TargetPlan } from "./assemble.js";
import { assemblePlan, splitRecordedState } from "./assemble.js";
import { estimatePlan } from "./estimates.js";
import type { RefreshTarget } from "./refresh.js";
import { refreshTargets, resolveAdapter } from "./refresh.js";
import { fingerprintSecrets } from "./secrets.js";
import type { Plan, PlanDiagnostic } from "./types.js";

export interface PlanStackOptions {
  registry: Registry;
  /** Planning never locks or writes; it creates a missing stack only to get its secret key. */
  store: Pick<StateStore, "read" | "ensure">;
  /** Plan from the recorded state alone, without reading the cloud. */
  offline: boolean;
  /** Only these targets (the `--target` flag); removed targets may be named too. */
  targets?: string[];
  env: Record<string, string | undefined>;
  manifest: { path: string; sha256: string };
  toolVersion: string;
  signal?: AbortSignal;
  now?: () => Date;
  /** How to estimate cost and cold starts when the service has `traffic` (plan --prices, --free-tier). */
  estimates?: { pricesFile?: string; freeTier?: "apply" | "ignore" };
}

function checkFilter(stack: Stack, state: StackState | undefined, only: readonly string[] | undefined): void {
  if (!only) return;
  const known = [
    ...new Set([...stack.targets.map((t) => t.name), ...Object.keys(state?.targets ?? {})]),
  ].sort();
  const unknown = only.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(`unknown target ${unknown.map((n) => `"${n}"`).join(", ")} in stack ${stack.id}`, {
      hint: `targets of ${stack.id}: ${known.join(", ") || "(none)"}`,
    });
  }
}

function targetDiag(target: string, code: string, message: string, hint: string | undefined): PlanDiagnostic {
  const d: PlanDiagnostic = { severity: "error", code, message, path: `targets.${target}`, target };
  return hint === undefined ? d : { ...d, hint };
}

interface Prepared extends RefreshTarget {
  adapter: DeployableTarget;
  /** Set when the platform is planned from the manifest alone (no adapter yet). */
  warning?: PlanDiagnostic;
}

/** Adapter, physical name and recorded state of one target, or why it cannot be planned. */
async function prepare(
  registry: Registry,
  stack: Stack,
  spec: TargetSpec,
  state: StackState | undefined,
): Promise<Prepared | PlanDiagnostic> {
  const resolved = await resolveAdapter(registry, spec);
  if (!resolved.ok) return resolved.diagnostic;
  const { adapter, warning } = resolved;
  const record = state?.targets[spec.name];
  if (record && record.platform !== adapter.id) {
    return targetDiag(
      spec.name,
      "platform-changed",
      `target "${spec.name}" was deployed on ${record.platform} and now names ${adapter.id}`,
      `destroy it first (apiship destroy --target ${spec.name}) or give the new target another name`,
    );
  }
  try {
    const name = targetPhysicalName(stack, spec, adapter.naming);
    return {
      spec,
      adapter,
      name,
      ...(warning ? { warning } : {}),
      recorded: record ? splitRecordedState(record.state).adapterState : undefined,
    };
  } catch (e) {
    const err = toApishipError(e);
    return targetDiag(spec.name, "naming-failed", err.message, err.hint);
  }
}

async function secretKey(
  store: PlanStackOptions["store"],
  stack: Stack,
  state: StackState | undefined,
): Promise<string | undefined> {
  if (Object.keys(stack.service.secrets).length === 0) return undefined;
  return state?.secretKey ?? (await store.ensure(stack.id)).secretKey;
}

function planTarget(
  stack: Stack,
  t: Prepared,
  observed: Record<string, unknown> | undefined,
  secretHashes: Record<string, string>,
  artifact: Artifact | undefined,
): TargetPlan | PlanDiagnostic {
  try {
    const { changes } = t.adapter.plan({
      stack,
      target: t.spec,
      service: stack.service,
      name: t.name,
      recorded: t.recorded,
      observed,
      secretHashes,
      ...(artifact ? { artifact } : {}),
    });
    const out: TargetPlan = {
      target: t.spec.name,
      platform: t.adapter.id,
      changes,
      recorded: t.recorded,
      observed,
    };
    if (artifact) {
      const fn = stack.service.function;
      out.code = {
        sha256: codeIdentity(artifact),
        // A git build ships the repository as it is, so no generated entry runs there.
        interface: fn && !artifact.git ? functionInterface(fn) : "native",
        ...(fn ? { runtime: fn.runtime } : {}),
      };
      // A git build ships no package of its own: its size says nothing.
      if (!artifact.git) out.code.bytes = artifact.bytes;
    }
    return out;
  } catch (e) {
    const err = toApishipError(e);
    return targetDiag(
      t.spec.name,
      "plan-failed",
      `target "${t.spec.name}" could not be planned: ${err.message}`,
      err.hint,
    );
  }
}

const isDiagnostic = (x: object): x is PlanDiagnostic => "severity" in x;

/** The signal of offline plans, which read nothing and so never listen or abort. */
const NEVER_ABORTED = new AbortController().signal;

/** Plans one stack. Throws only for bad usage (an unknown `--target`) or an unreadable state. */
export async function planStack(stack: Stack, opts: PlanStackOptions): Promise<Plan> {
  const state = await opts.store.read(stack.id);
  checkFilter(stack, state, opts.targets);
  const only = opts.targets ? new Set(opts.targets) : undefined;
  const specs = stack.targets.filter((t) => !only || only.has(t.name));
  const diagnostics: PlanDiagnostic[] = [];

  const prepared: Prepared[] = [];
  for (const p of await Promise.all(specs.map((s) => prepare(opts.registry, stack, s, state)))) {
    if (isDiagnostic(p)) diagnostics.push(p);
    else {
      prepared.push(p);
      if (p.warning) diagnostics.push(p.warning);
    }
  }

  // Each target's read in flight listens on it (100 targets, 100 listeners): not a leak. Offline
  // nothing reads: no controller per stack.
  const signal = opts.signal ?? (opts.offline ? NEVER_ABORTED : new AbortController().signal);
  if (!opts.offline) setMaxListeners(0, signal);
  const observations = await refreshTargets(prepared, {
    stack,
    offline: opts.offline,
    env: opts.env,
    signal,
  });

  const key = await secretKey(opts.store, stack, state);
  const secrets = key
    ? await fingerprintSecrets(stack.service, key, opts.env, dirname(resolve(opts.manifest.path)))
    : { hashes: {}, diagnostics: [] };
  diagnostics.push(...secrets.diagnostics);

  const targets: TargetPlan[] = [];
  prepared.forEach((t, i) => {
    const o = observations[i];
    if (!o) return;
    if (!o.ok) return void diagnostics.push(o.diagnostic);
    const planned = planTarget(stack, t, o.observed, secrets.hashes, o.artifact);
    if (isDiagnostic(planned)) diagnostics.push(planned);
    else targets.push(planned);
  });

  const priced = stack.service.traffic
    ? await estimatePlan(
        stack,
        state,
        prepared.map((p) => p.spec.name),
        {
          freeTier: opts.estimates?.freeTier ?? "apply",
          now: (opts.now ?? (() => new Date()))(),
          ...(opts.estimates?.pricesFile ? { pricesFile: opts.estimates.pricesFile } : {}),
        },
      )
    : undefined;
  if (priced) diagnostics.push(...priced.diagnostics);

  const plan = assemblePlan({
    stack: stack.id,
    tool: { name: "apiship", version: opts.toolVersion },
    createdAt: (opts.now ?? (() => new Date()))().toISOString(),
    manifest: opts.manifest,
    state,
    stackTargets: stack.targets.map((t) => t.name),
    ...(opts.targets ? { only: opts.targets } : {}),
    targets,
    diagnostics,
  });
  return priced && Object.keys(priced.estimates).length > 0 ? { ...plan, estimates: priced.estimates } : plan;
}
