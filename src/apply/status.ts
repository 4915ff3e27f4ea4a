// stackStatus (`apiship status`): per target, what the platform says of its health, what was
// recorded (endpoint, release, when) and whether the cloud drifted from the record. Reads
// only: no lock, no write. A target that cannot be reached is "unknown" with the reason.

import type { Registry } from "../core/registry.js";
import { toApishipError } from "../errors.js";
import type { Stack } from "../manifest/types.js";
import { diffValues } from "../plan/diff.js";
import type { StateStore, TargetRecord } from "../state/store.js";
import { adapterStateOf, targetHandle } from "./adapters.js";
import type { StackStatusResult, TargetStatusReport } from "./types.js";

export interface StackStatusOptions {
  stack: Stack;
  registry: Registry;
  store: Pick<StateStore, "read">;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Compare the cloud with the record (one read() per target). Default true. */
  drift?: boolean;
}

async function statusOne(
  opts: StackStatusOptions,
  name: string,
  record: TargetRecord,
): Promise<TargetStatusReport> {
  const base: TargetStatusReport = {
    target: name,
    platform: record.platform,
    health: "unknown",
    deployed: true,
    deployedAt: record.deployedAt,
  };
  if (record.endpoint !== undefined) base.endpoint = record.endpoint;
  if (record.release !== undefined) base.release = record.release;
  const signal = opts.signal ?? new AbortController().signal;
  try {
    const handle = await targetHandle({ ...opts, emit: () => undefined }, name, record);
    const clients = await handle.clients();
    const ctx = handle.ctx(clients, signal);
    const recorded = adapterStateOf(record) ?? {};
    const report = await handle.adapter.status(ctx, recorded);
    const out: TargetStatusReport = { ...base, health: report.health };
    if (report.endpoint !== undefined) out.endpoint = report.endpoint;
    if (report.release !== undefined) out.release = report.release;
    if (report.detail !== undefined) out.detail = report.detail;
    if (opts.drift !== false) {
      const observed = await handle.adapter.read(ctx, recorded, handle.baseName);
      const paths = observed === undefined ? [""] : diffValues(recorded, observed).map((d) => d.path);
      out.drift = paths.length > 0;
      out.driftPaths = paths;
    }
    return out;
  } catch (e) {
    return { ...base, detail: toApishipError(e).message };
  }
}

export async function stackStatus(opts: StackStatusOptions): Promise<StackStatusResult> {
  const state = await opts.store.read(opts.stack.id);
  const recorded = Object.entries(state?.targets ?? {});
  const reports = await Promise.all(recorded.map(([name, r]) => statusOne(opts, name, r)));
  for (const spec of opts.stack.targets) {
    if (state?.targets[spec.name]) continue;
    reports.push({
      target: spec.name,
      platform: `${spec.provider}/${spec.platform}`,
      health: "missing",
      deployed: false,
      detail: "never deployed",
    });
  }
  reports.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  return { stack: opts.stack.id, serial: state?.serial ?? 0, targets: reports };
}
