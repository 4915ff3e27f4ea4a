import { spawn } from "node:child_process";
import { Flags } from "@oclif/core";
import { UsageError } from "../../errors.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { withJobs } from "../engine.js";
import { envFlag, fileFlag, stateFlag } from "../flags.js";
import { hyperlink } from "../hyperlink.js";

export interface OpenResult {
  target: string;
  url: string;
  /** The program that was asked to open it; absent with --print or when none could. */
  opener?: string;
}

/** $BROWSER if set (as git and xdg-utils honour it), else the platform's opener. */
function openerFor(env: Record<string, string | undefined>): [string, string[]] {
  if (env.BROWSER) return [env.BROWSER, []];
  if (process.platform === "darwin") return ["open", []];
  if (process.platform === "win32") return ["cmd", ["/c", "start", '""']];
  return ["xdg-open", []];
}

function launch(cmd: string, args: string[], url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(cmd, [...args, url], { stdio: "ignore", detached: true });
    child.once("error", () => resolve(false));
    child.once("spawn", () => {
      child.unref();
      resolve(true);
    });
  });
}

export default class OpenCommand extends BaseCommand<OpenResult> {
  static override summary = "Open a deployed target's endpoint in the browser.";
  static override description =
    "Reads the endpoint from the recorded state (no cloud call) and opens it with $BROWSER, or the " +
    "platform's opener (open, xdg-open, start). Without one, or with --print, it prints the URL. " +
    "--path appends a path, e.g. the health path or /docs.";
  static override examples = [
    "<%= config.bin %> open --env development",
    "<%= config.bin %> open --env production --target web --path /docs",
  ];
  static override flags = {
    file: fileFlag,
    env: envFlag,
    state: stateFlag,
    target: Flags.string({
      char: "t",
      description: "The target to open (required when several are deployed).",
    }),
    path: Flags.string({ description: "Path to append to the endpoint, e.g. /docs." }),
    print: Flags.boolean({ description: "Print the URL instead of opening it." }),
  };

  protected async exec(): Promise<Outcome<OpenResult>> {
    const { flags } = await this.parse(OpenCommand);
    return withJobs(
      flags,
      (d) => this.addWarning(d),
      async (_loaded, jobs) => {
        const [job, ...more] = jobs;
        if (!job || more.length > 0)
          throw new UsageError("open needs one stack", { hint: "name one manifest and one --env" });
        const state = await job.store.read(job.stack.id);
        const withEndpoint = Object.values(state?.targets ?? {}).filter((r) => r.endpoint);
        const chosen = flags.target
          ? withEndpoint.find((r) => r.target === flags.target)
          : withEndpoint.length === 1
            ? withEndpoint[0]
            : undefined;
        if (!chosen?.endpoint)
          throw new UsageError(
            flags.target
              ? `target ${flags.target} of ${job.stack.id} has no recorded endpoint`
              : `${job.stack.id} has ${withEndpoint.length} deployed endpoints: name one with --target`,
            {
              hint: `targets with an endpoint: ${withEndpoint.map((r) => r.target).join(", ") || "(none: deploy first)"}`,
            },
          );
        const url = `${chosen.endpoint.replace(/\/$/, "")}${flags.path ?? ""}`;
        if (flags.print || this.jsonMode) return { result: { target: chosen.target, url } };
        const [cmd, args] = openerFor(process.env);
        const opened = await launch(cmd, args, url);
        return { result: { target: chosen.target, url, ...(opened ? { opener: cmd } : {}) } };
      },
    );
  }

  protected render(r: OpenResult): string {
    return r.opener ? `Opening ${hyperlink(r.url)} (${r.target})` : hyperlink(r.url);
  }
}
