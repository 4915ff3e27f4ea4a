// stackLogs (`apiship logs`): each deployed target's logs from its platform, through the
// adapter's logs() method. A platform that has none yet is reported with where its console
// shows them, never silently skipped. Reads only: no lock, no write. --grep is applied here to
// every entry, whatever the platform did with it server-side, so it means the same everywhere.

import type { LogEntry, LogQuery } from "../core/provider.js";
import type { Registry } from "../core/registry.js";
import { grepFilter } from "../core/log-grep.js";
import { UsageError, toApishipError } from "../errors.js";
import type { Stack } from "../manifest/types.js";
import type { StateStore } from "../state/store.js";
import { adapterStateOf, targetHandle } from "./adapters.js";

export interface TargetLogEntry extends LogEntry {
  target: string;
}

export interface LogsUnavailable {
  target: string;
  platform: string;
  reason: string;
  /** What to do about it, when the platform's error says (a log group that does not exist yet). */
  hint?: string;
  consoleUrl?: string;
}

export interface StackLogsOptions {
  stack: Stack;
  registry: Registry;
  store: Pick<StateStore, "read">;
  env: Record<string, string | undefined>;
  targets?: string[];
  query: LogQuery;
  signal: AbortSignal;
  /** Each entry as it arrives (followed logs never end). */
  onEntry(e: TargetLogEntry): void;
}

/** Streams the logs of the stack's deployed targets; returns the targets that have none here. */
export async function stackLogs(opts: StackLogsOptions): Promise<LogsUnavailable[]> {
  const state = await opts.store.read(opts.stack.id);
  const records = Object.entries(state?.targets ?? {}).filter(
    ([n]) => !opts.targets || opts.targets.includes(n),
  );
  for (const name of opts.targets ?? [])
    if (!state?.targets[name])
      throw new UsageError(`target ${name} of ${opts.stack.id} has not been deployed`, {
        hint: `deployed targets: ${Object.keys(state?.targets ?? {}).join(", ") || "(none)"}`,
      });
  const matches = grepFilter(opts.query.grep);
  const unavailable: LogsUnavailable[] = [];
  await Promise.all(
    records.map(async ([name, record]) => {
      const handle = await targetHandle({ ...opts, emit: () => undefined }, name, record);
      const recorded = adapterStateOf(record) ?? {};
      const adapter = handle.adapter;
      if (!adapter.logs) {
        const url = adapter.consoleUrl?.(
          { ...handle.spec, options: handle.spec.options },
          recorded,
          handle.baseName,
        );
        const hint = adapter.logsHint?.(recorded);
        unavailable.push({
          target: name,
          platform: adapter.id,
          reason: `apiship cannot read ${adapter.id} logs yet`,
          ...(hint ? { hint } : {}),
          ...(url ? { consoleUrl: url } : {}),
        });
        return;
      }
      try {
        const ctx = handle.ctx(await handle.clients(), opts.signal);
        for await (const e of adapter.logs(ctx, recorded, opts.query))
          if (matches(e)) opts.onEntry({ target: name, ...e });
      } catch (e) {
        if (opts.signal.aborted) return;
        const err = toApishipError(e);
        unavailable.push({
          target: name,
          platform: adapter.id,
          reason: err.message,
          ...(err.hint ? { hint: err.hint } : {}),
        });
      }
    }),
  );
  return unavailable.sort((a, b) => (a.target < b.target ? -1 : 1));
}
