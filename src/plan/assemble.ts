// The pure half of planning (DESIGN.md §4): each target's resource changes (from its adapter's
// pure plan()), what the state recorded and what refresh observed, in; the versioned Plan out.
// No I/O, no clock, no randomness: the same input gives the same plan byte for byte, because
// targets are sorted by name, resources keep the adapter's (pure, hence stable) order and every
// object's keys are sorted.
//
// Addresses are `<target>.<type>`: dependsOn in ResourceChange already names resources by type
// within a target. When an adapter plans two resources of one type, both become
// `<target>.<type>.<name>`.
//
// A target removed from the stack has no adapter plan to ask, so the engine deletes what the
// last apply recorded: the executor stores the target's resources under RESOURCES_KEY in
// TargetRecord.state (withRecordedResources) and strips it again before the adapter sees its
// state (splitRecordedState). A record without that list (written before it existed) plans one
// `<target>.resources` delete, which the executor carries out with adapter.destroy(state).

import type { ResourceChange } from "../core/provider.js";
import type { StackState } from "../state/store.js";
import { diffValues, pathOverlaps, sortKeys, uniqueSorted } from "./diff.js";
import { PLAN_FORMAT_VERSION } from "./format-version.js";
import type { Change, Drift, Plan, PlanDiagnostic, Summary } from "./types.js";

/** Reserved key of TargetRecord.state holding the target's resources, in creation order. */
export const RESOURCES_KEY = "apiship:resources";

export interface RecordedResource {
  type: string;
  name: string;
  /** Types of the resources (same target) this one needed first. */
  dependsOn: string[];
}

/** The adapter's own state and the engine's resource list, from a TargetRecord.state. */
export function splitRecordedState(state: Record<string, unknown>): {
  adapterState: Record<string, unknown>;
  resources: RecordedResource[] | undefined;
} {
  const { [RESOURCES_KEY]: raw, ...adapterState } = state;
  if (!Array.isArray(raw)) return { adapterState, resources: undefined };
  const resources = raw.flatMap((r: unknown): RecordedResource[] => {
    const o = r as Partial<RecordedResource> | null;
    if (!o || typeof o.type !== "string" || typeof o.name !== "string") return [];
    const deps = Array.isArray(o.dependsOn) ? o.dependsOn.filter((d) => typeof d === "string") : [];
    return [{ type: o.type, name: o.name, dependsOn: deps }];
  });
  return { adapterState, resources };
}

/** What the executor stores as TargetRecord.state after applying a target's changes. */
export function withRecordedResources(
  adapterState: object,
  changes: readonly Pick<ResourceChange, "type" | "name" | "action" | "dependsOn">[],
): Record<string, unknown> {
  const resources: RecordedResource[] = changes
    .filter((c) => c.action !== "delete")
    .map((c) => ({ type: c.type, name: c.name, dependsOn: [...c.dependsOn] }));
  return { ...(adapterState as Record<string, unknown>), [RESOURCES_KEY]: resources };
}

/** A target's packaged code as the plan records it: its identity, size and interface. */
export interface PlannedCode {
  /** codeIdentity() of the artifact: the content digest, or a git build's tree. */
  sha256: string;
  /** Bytes of the package the platform receives (the zip, the tarball). */
  bytes?: number;
  interface?: "native" | "portable";
  /** service.function.runtime, so a view can say why a function is native. */
  runtime?: string;
}

/** One target that was planned: its adapter's changes and the states they were planned from. */
export interface TargetPlan {
  target: string;
  platform: string;
  changes: readonly ResourceChange[];
  /** Adapter state as recorded (RESOURCES_KEY stripped); undefined when never deployed. */
  recorded: Record<string, unknown> | undefined;
  /** Adapter state read from the cloud now; equal to `recorded` offline. */
  observed: Record<string, unknown> | undefined;
  /** The function source packaged for this plan, when one was (Plan.code). */
  code?: PlannedCode;
}

export interface AssembleInput {
  stack: string;
  tool: { name: string; version: string };
  createdAt: string;
  manifest: { path: string; sha256: string };
  state: StackState | undefined;
  /** Every target of the stack, filtered or not: a recorded target outside it was removed. */
  stackTargets: readonly string[];
  /** The `--target` filter: only these targets (planned or removed) appear. */
  only?: readonly string[];
  targets: readonly TargetPlan[];
  diagnostics: readonly PlanDiagnostic[];
}

function addressesOf(target: string, changes: readonly Pick<ResourceChange, "type" | "name">[]): string[] {
  const perType = new Map<string, number>();
  for (const c of changes) perType.set(c.type, (perType.get(c.type) ?? 0) + 1);
  return changes.map((c) =>
    (perType.get(c.type) ?? 0) > 1 ? `${target}.${c.type}.${c.name}` : `${target}.${c.type}`,
  );
}

function depAddresses(target: string, types: readonly string[], byType: Map<string, string[]>): string[] {
  if (types.length === 0) return [];
  // One dependency on a type planned once (most are): its address, with no set and no sort.
  if (types.length === 1) {
    const only = byType.get(types[0] as string);
    if (only?.length === 1) return [only[0] as string];
  }
  return [...new Set(types.flatMap((t) => byType.get(t) ?? [`${target}.${t}`]))].sort();
}

function indexByType(
  changes: readonly { type: string }[],
  addresses: readonly string[],
): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  changes.forEach((c, i) => {
    const list = byType.get(c.type);
    if (list) list.push(addresses[i] ?? "");
    else byType.set(c.type, [addresses[i] ?? ""]);
  });
  return byType;
}

function targetChanges(t: TargetPlan): Change[] {
  const addresses = addressesOf(t.target, t.changes);
  const byType = indexByType(t.changes, addresses);
  return t.changes.map((c, i): Change => ({
    address: addresses[i] ?? "",
    target: t.target,
    platform: t.platform,
    type: c.type,
    name: c.name,
    action: c.action,
    ...(c.reason === undefined ? {} : { reason: c.reason }),
    before: c.before === null ? null : sortKeys(c.before),
    after: c.after === null ? null : sortKeys(c.after),
    sensitivePaths: uniqueSorted(c.sensitivePaths),
    replacePaths: uniqueSorted(c.replacePaths),
    dependsOn: depAddresses(t.target, c.dependsOn, byType),
  }));
}

const REMOVED = "target removed from the stack";

/** Deletes for a target the state records but the stack no longer has, dependents first. */
function removedTargetChanges(target: string, record: StackState["targets"][string]): Change[] {
  const { resources } = splitRecordedState(record.state);
  const list: RecordedResource[] = resources ?? [{ type: "resources", name: record.name, dependsOn: [] }];
  const addresses = addressesOf(target, list);
  const byType = indexByType(list, addresses);
  const changes = list.map((r, i): Change => {
    // Reversed edges: a resource goes only after everything that needed it has gone.
    const dependents = list.filter((o) => o.dependsOn.includes(r.type)).map((o) => o.type);
    return {
      address: addresses[i] ?? "",
      target,
      platform: record.platform,
      type: r.type,
      name: r.name,
      action: "delete",
      reason: resources ? REMOVED : `${REMOVED}; every resource of the target is destroyed`,
      before: { name: r.name },
      after: null,
      sensitivePaths: [],
      replacePaths: [],
      dependsOn: depAddresses(target, dependents, byType),
    };
  });
  return changes.reverse();
}

function isSensitiveStatePath(path: string, sensitive: readonly string[]): boolean {
  return pathOverlaps(path, sensitive) || /secret/i.test(path);
}

/** What read() found that differs from what was recorded, secrets masked. */
function targetDrift(t: TargetPlan): Drift[] {
  if (t.recorded === undefined && t.observed === undefined) return [];
  const base = { address: t.target, target: t.target };
  if (t.recorded === undefined || t.observed === undefined) {
    const gone = {
      path: "",
      sensitive: false,
      recorded: t.recorded !== undefined,
      observed: t.observed !== undefined,
    };
    return [{ ...base, ...gone }];
  }
  const sensitive = t.changes.flatMap((c) => c.sensitivePaths);
  return diffValues(t.recorded, t.observed).map((d): Drift => {
    const masked = isSensitiveStatePath(d.path, sensitive);
    return {
      ...base,
      path: d.path,
      sensitive: masked,
      recorded: masked || d.before === undefined ? null : sortKeys(d.before),
      observed: masked || d.after === undefined ? null : sortKeys(d.after),
    };
  });
}

export function summarize(changes: readonly Pick<Change, "action">[]): Summary {
  const s: Summary = { create: 0, update: 0, replace: 0, delete: 0, noop: 0 };
  for (const c of changes) {
    if (c.action === "no-op") s.noop += 1;
    else s[c.action] += 1;
  }
  return s;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Builds the plan. Pure: see the file comment. */
export function assemblePlan(input: AssembleInput): Plan {
  const only = input.only ? new Set(input.only) : undefined;
  const inStack = new Set(input.stackTargets);
  const removed = Object.keys(input.state?.targets ?? {}).filter(
    (n) => !inStack.has(n) && (!only || only.has(n)),
  );
  const planned = [...input.targets].sort((a, b) => byName(a.target, b.target));
  const perTarget = new Map<string, Change[]>();
  for (const t of planned) perTarget.set(t.target, targetChanges(t));
  for (const n of removed) {
    const record = input.state?.targets[n];
    if (record) perTarget.set(n, removedTargetChanges(n, record));
  }
  const changes = [...perTarget.keys()].sort(byName).flatMap((n) => perTarget.get(n) ?? []);
  const drift = planned.flatMap(targetDrift);
  const code = Object.fromEntries(planned.flatMap((t) => (t.code ? [[t.target, t.code] as const] : [])));
  const diagnostics = [...input.diagnostics]
    .map((d) => sortKeys(d))
    .sort((a, b) => byName(a.target ?? "", b.target ?? ""));
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { name: input.tool.name, version: input.tool.version },
    createdAt: input.createdAt,
    stack: input.stack,
    manifest: { path: input.manifest.path, sha256: input.manifest.sha256 },
    stateSerial: input.state?.serial ?? 0,
    changes,
    drift,
    summary: summarize(changes),
    diagnostics,
    ...(Object.keys(code).length > 0 ? { code } : {}),
  };
}
