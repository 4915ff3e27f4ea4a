import { Flags } from "@oclif/core";
import { stackLogs } from "../../apply/logs.js";
import type { LogsUnavailable, TargetLogEntry } from "../../apply/logs.js";
import { grepParts } from "../../core/log-grep.js";
import { UsageError } from "../../errors.js";
import { parseDuration } from "../../manifest/durations.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { withJobs } from "../engine.js";
import { envFlag, fileFlag, stateFlag, targetFlag } from "../flags.js";

export interface LogsResult {
  /** Entries printed (each was streamed as it arrived). */
  entries: number;
  /** Targets whose platform apiship cannot read logs from, with its console URL. */
  unavailable: LogsUnavailable[];
}

export default class LogsCommand extends BaseCommand<LogsResult> {
  static override summary = "Print (or follow) the logs of each deployed target.";
  static override description =
    "Reads each target's logs from its platform: CloudWatch Logs (Lambda, ECS Fargate), pod logs " +
    "(Kubernetes, AKS, GKE), Cloud Logging (Cloud Run, Cloud Functions, Firebase), Heroku log " +
    "sessions, DigitalOcean Functions activations and App Platform run logs, the container log " +
    "files Kudu keeps for Azure App Service and Function Apps, and a local target's own output. A platform apiship cannot read yet is named with " +
    "its console URL. --since takes a duration (10m, 2h) or an ISO time. --grep keeps the " +
    "entries whose message contains the text (case-sensitive) or matches /regex/flags. --follow " +
    "polls each platform, backing off to a few seconds while nothing arrives. With --json, each " +
    "entry is one NDJSON line and the envelope is the last.";
  static override examples = [
    "<%= config.bin %> logs --env development",
    "<%= config.bin %> logs --env development --target local --follow",
    "<%= config.bin %> logs --since 10m --json",
    '<%= config.bin %> logs --since 1h --grep "/timeout|5\\d\\d/i"',
  ];
  static override flags = {
    file: fileFlag,
    env: envFlag,
    target: targetFlag,
    state: stateFlag,
    follow: Flags.boolean({ char: "F", description: "Keep printing new entries until Ctrl-C." }),
    since: Flags.string({
      description: "Only entries newer than this: a duration (10m, 2h) or an ISO time.",
    }),
    tail: Flags.integer({
      char: "n",
      min: 0,
      description: "At most this many of the newest entries per target.",
    }),
    grep: Flags.string({
      description: "Only entries containing this text (case-sensitive), or matching /regex/flags.",
    }),
  };

  protected override streamsEvents = true;

  protected async exec(): Promise<Outcome<LogsResult>> {
    const { flags } = await this.parse(LogsCommand);
    const since = flags.since === undefined ? undefined : sinceOf(flags.since);
    // A bad regex is a usage error before any platform is asked.
    if (flags.grep !== undefined) grepParts(flags.grep);
    const stop = new AbortController();
    const onInt = () => stop.abort();
    process.once("SIGINT", onInt);
    let entries = 0;
    const print = (e: TargetLogEntry) => {
      entries++;
      if (this.jsonMode) process.stdout.write(`${JSON.stringify({ type: "log", ...e })}\n`);
      else process.stdout.write(`${formatEntry(e)}\n`);
    };
    try {
      return await withJobs(
        flags,
        (d) => this.addWarning(d),
        async (loaded, jobs) => {
          const unavailable: LogsUnavailable[] = [];
          for (const job of jobs) {
            const query = {
              follow: flags.follow,
              ...(since ? { since } : {}),
              ...(flags.tail !== undefined ? { tail: flags.tail } : {}),
              ...(flags.grep ? { grep: flags.grep } : {}),
            };
            unavailable.push(
              ...(await stackLogs({
                stack: job.stack,
                registry: loaded.registry,
                store: job.store,
                env: process.env,
                ...(flags.target ? { targets: flags.target } : {}),
                query,
                signal: stop.signal,
                onEntry: print,
              })),
            );
          }
          return { result: { entries, unavailable } };
        },
      );
    } finally {
      process.off("SIGINT", onInt);
    }
  }

  protected render(r: LogsResult): string {
    return r.unavailable
      .map(
        (u) =>
          `${u.target}: ${u.reason}${u.hint ? ` (${u.hint})` : ""}${u.consoleUrl ? `; see ${u.consoleUrl}` : ""}`,
      )
      .join("\n");
  }
}

function sinceOf(text: string): Date {
  if (/^\d{4}-\d\d-\d\d/.test(text)) {
    const t = Date.parse(text);
    if (!Number.isNaN(t)) return new Date(t);
  } else {
    try {
      return new Date(Date.now() - parseDuration(text, "--since"));
    } catch {
      // Reported below with the accepted forms.
    }
  }
  throw new UsageError(`--since ${text}: not a duration or an ISO time`, {
    hint: "e.g. --since 10m, --since 2h, --since 2026-12-07T10:00:00Z",
  });
}

function formatEntry(e: TargetLogEntry): string {
  const time = e.time ? `${e.time.replace("T", " ").replace(/\.\d+Z$/, "Z")} ` : "";
  return `${e.target} | ${time}${e.stream === "err" ? "! " : ""}${e.message}`;
}
