// destroyStack (`apiship destroy`): every recorded target destroyed from the state alone
// (adapter.destroy of what was recorded; the manifest only lends the targets' options),
// newest first, idempotent (a resource already gone is success, an empty stack is a no-op),
// each target's record removed once its destroy succeeded, and the run appended to history.

import type { TargetRecord } from "../state/store.js";
import type { EngineOptions } from "./begin.js";
import { withRun } from "./begin.js";
import { adapterStateOf, targetHandle } from "./adapters.js";
import { reconcileIntents, recordIntent, settleFromCloud } from "./intents.js";
import { Pool } from "./pool.js";
import { whoAmI } from "./releases.js";
import type { RunContext } from "./run.js";
import { callAdapter, finishRun, interruptedError, reportError } from "./run.js";
import { toApishipError } from "../errors.js";
import type { DestroyOutcome, DestroyResult } from "./types.js";

export interface DestroyStackOptions extends EngineOptions {
  /** Only these targets (--target); default every recorded target. */
  targets?: string[];
  concurrency?: number;
  command?: string;
}

async function destroyOne(run: RunContext, record: TargetRecord): Promise<DestroyOutcome> {
  const base = { target: record.target, platform: record.platform };
  if (run.stop.aborted)
    return {
      ...base,
      status: "skipped",
      attempts: 0,
      error: reportError(interruptedError(record.target), run.redact),
    };
  try {
    const handle = await targetHandle(run, record.target, record);
    const clients = await handle.clients();
    const intent = await recordIntent(run, handle, "delete");
    const res = await callAdapter(run, handle, "destroy", (signal) =>
      handle.adapter.destroy(handle.ctx(clients, signal), adapterStateOf(record) ?? {}),
    );
    if (!res.ok) {
      if (await settleFromCloud(run, handle, record)) await run.session.resolveIntent(intent.id);
      return { ...base, status: "failed", attempts: res.attempts, error: reportError(res.error, run.redact) };
    }
    await run.session.write({ [record.target]: null });
    await run.session.resolveIntent(intent.id);
    return { ...base, status: "destroyed", attempts: res.attempts };
  } catch (e) {
    return { ...base, status: "failed", attempts: 0, error: reportError(toApishipError(e), run.redact) };
  }
}

/** Destroys the stack's recorded targets. Throws LockError when another run holds the stack. */
export async function destroyStack(opts: DestroyStackOptions): Promise<DestroyResult> {
  return withRun(opts, "destroy", async ({ run, holder, interrupted }) => {
    await reconcileIntents(run);
    const only = opts.targets ? new Set(opts.targets) : undefined;
    // Newest first: what was deployed last may lean on what came before it.
    const records = Object.values(run.session.state.targets)
      .filter((r) => !only || only.has(r.target))
      .sort((a, b) => (a.deployedAt < b.deployedAt ? 1 : a.deployedAt > b.deployedAt ? -1 : 0));
    run.emit({
      type: "run-start",
      stack: opts.stack.id,
      command: "destroy",
      targets: records.map((r) => r.target),
    });
    const pool = new Pool({ global: opts.concurrency ?? 8, perKey: () => undefined });
    const outcomes = await Promise.all(
      records.map((r) =>
        pool.run(r.platform, async () => {
          const out = await destroyOne(run, r);
          run.emit({
            type: "target-end",
            target: out.target,
            status: out.status,
            attempts: out.attempts,
            ...(out.error ? { error: out.error } : {}),
          });
          return out;
        }),
      ),
    );
    const failed = outcomes.filter((o) => o.status !== "destroyed");
    const wasInterrupted = interrupted();
    const exitCode = wasInterrupted
      ? 130
      : failed.length === 0
        ? 0
        : failed.length === outcomes.length
          ? 1
          : 3;
    let release;
    if (outcomes.some((o) => o.status !== "skipped")) {
      release = await run.session.appendRelease({
        createdAt: run.now().toISOString(),
        who: whoAmI(opts.env, holder.user, holder.host),
        command: opts.command ?? holder.command,
        result: failed.length === 0 ? "succeeded" : failed.length === outcomes.length ? "failed" : "partial",
        summary: outcomes.map((o) =>
          run.redact(`${o.target}: destroy → ${o.status}${o.error ? `: ${o.error.message}` : ""}`),
        ),
        targets: run.session.state.targets,
      });
    }
    return finishRun(run, {
      stack: opts.stack.id,
      targets: outcomes,
      release,
      interrupted: wasInterrupted,
      exitCode,
    });
  });
}
