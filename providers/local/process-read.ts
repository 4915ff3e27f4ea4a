// read and status of local/process: from the marker file and the process table (state.ts).
// A recorded pid counts as running only while it is still the process apiship started
// (pids.ts). A process a killed run started but never recorded is found by its ownership label
// and adopted, so the next plan replaces it instead of leaving it behind.

import type { Ctx, StatusReport } from "../../src/core/provider.js";
import { findOwned, isOurs, ownedEnv } from "./pids.js";
import type { LocalClients } from "./process-apply.js";
import { resultOf } from "./process-apply.js";
import { localPaths, readMarker } from "./state.js";
import type { LocalProcessState } from "./state.js";

export async function read(
  ctx: Ctx<LocalClients>,
  _prior: LocalProcessState | undefined,
): Promise<LocalProcessState | undefined> {
  const paths = localPaths(ctx.stack, ctx.target.name);
  const marker = await readMarker(paths.marker);
  if (marker && (await isOurs(marker))) return { ...marker, running: true };
  const [orphan] = await findOwned(paths.owner);
  if (orphan) {
    // Only apiship's own variables are read from its environment, never the app's.
    const [port, code] = await Promise.all([
      ownedEnv(orphan.pid, "PORT"),
      ownedEnv(orphan.pid, "APISHIP_CODE"),
    ]);
    return {
      pid: orphan.pid,
      identity: orphan.identity,
      command: orphan.command,
      run: [],
      cwd: "",
      host: marker?.host ?? "127.0.0.1",
      port: Number(port ?? marker?.port ?? 0),
      code: code ?? "",
      // Unknown for a process nobody recorded: the plan replaces it.
      env: {},
      secrets: {},
      startedAt: "",
      log: paths.log,
      running: true,
    };
  }
  return marker ? { ...marker, running: false } : undefined;
}

export async function status(ctx: Ctx<LocalClients>, state: LocalProcessState): Promise<StatusReport> {
  const endpoint = resultOf(state).endpoint;
  const release = state.code.slice(0, 12);
  if (!(await isOurs(state)))
    return {
      health: "missing",
      release,
      detail: `process ${state.pid} is not running (see apiship logs --target ${ctx.target.name})`,
    };
  const health = ctx.stack.service.health;
  try {
    const res = await fetch(`${endpoint}${health.path}`, { signal: AbortSignal.timeout(health.timeoutMs) });
    await res.body?.cancel();
    return res.status === health.status
      ? { health: "ready", endpoint, release, detail: `pid ${state.pid}` }
      : { health: "down", endpoint, release, detail: `${health.path} answered ${res.status}` };
  } catch (e) {
    return { health: "down", endpoint, release, detail: `${health.path}: ${(e as Error).message}` };
  }
}
