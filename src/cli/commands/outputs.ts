import { Flags } from "@oclif/core";
import { UsageError } from "../../errors.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { withJobs } from "../engine.js";
import { envFlag, fileFlag, stateFlag, targetFlag } from "../flags.js";
import { hyperlink } from "../hyperlink.js";
import { table } from "../output.js";
import type { StackJob } from "../stacks.js";

export interface TargetOutputs {
  target: string;
  platform: string;
  endpoint?: string;
  release?: string;
  outputs: Record<string, string>;
}

export interface OutputsResult {
  stacks: { stack: string; targets: TargetOutputs[] }[];
  /** With --output KEY: that one value, which the human view prints bare. */
  value?: string;
}

async function stackOutputs(job: StackJob, only: string[] | undefined): Promise<TargetOutputs[]> {
  const state = await job.store.read(job.stack.id);
  const records = Object.values(state?.targets ?? {}).filter((r) => !only || only.includes(r.target));
  return records
    .map((r) => ({
      target: r.target,
      platform: r.platform,
      ...(r.endpoint !== undefined ? { endpoint: r.endpoint } : {}),
      ...(r.release !== undefined ? { release: r.release } : {}),
      outputs: r.outputs,
    }))
    .sort((a, b) => (a.target < b.target ? -1 : 1));
}

function pick(stacks: OutputsResult["stacks"], target: string | undefined, key: string): string {
  const [only, ...more] = stacks;
  if (!only || more.length > 0 || target === undefined) {
    throw new UsageError("--output prints one value: name one target of one stack", {
      hint: "e.g. apiship outputs --env production --target web --output endpoint",
    });
  }
  const t = only.targets.find((x) => x.target === target);
  if (!t) {
    throw new UsageError(`target ${target} of ${only.stack} has not been deployed`, {
      hint: `deployed targets: ${only.targets.map((x) => x.target).join(", ") || "(none)"}`,
    });
  }
  const value = key === "endpoint" ? t.endpoint : t.outputs[key];
  if (value === undefined) {
    throw new UsageError(`target ${target} has no output "${key}"`, {
      hint: `its outputs: ${["endpoint", ...Object.keys(t.outputs)].join(", ")}`,
    });
  }
  return value;
}

export default class OutputsCommand extends BaseCommand<OutputsResult> {
  static override summary = "Print each deployed target's endpoint and outputs, for people and scripts.";
  static override description =
    "Reads the recorded state only (no cloud call). The human view is one `target  endpoint` line per " +
    "target followed by its outputs; --json gives every value; --target T --output KEY prints one bare " +
    "value for shell use (KEY `endpoint` or any output name).";
  static override examples = [
    "<%= config.bin %> outputs --env production",
    "URL=$(<%= config.bin %> outputs --env staging --target web --output endpoint)",
    "<%= config.bin %> outputs --json | jq '.result.stacks[0].targets'",
  ];
  static override flags = {
    file: fileFlag,
    env: envFlag,
    target: targetFlag,
    state: stateFlag,
    output: Flags.string({ description: "Print only this output of the one --target (e.g. endpoint)." }),
  };

  protected async exec(): Promise<Outcome<OutputsResult>> {
    const { flags } = await this.parse(OutputsCommand);
    if (flags.output !== undefined && (flags.target?.length ?? 0) !== 1) {
      throw new UsageError("--output needs exactly one --target", {
        hint: "e.g. apiship outputs --target web --output endpoint",
      });
    }
    return withJobs(
      flags,
      (d) => this.addWarning(d),
      async (_loaded, jobs) => {
        const stacks: OutputsResult["stacks"] = [];
        for (const job of jobs)
          stacks.push({ stack: job.stack.id, targets: await stackOutputs(job, flags.target) });
        const result: OutputsResult = { stacks };
        if (flags.output !== undefined) result.value = pick(stacks, flags.target?.[0], flags.output);
        return { result };
      },
    );
  }

  protected render(r: OutputsResult): string {
    if (r.value !== undefined) return r.value;
    return r.stacks
      .map((s) => {
        if (s.targets.length === 0) return `${s.stack}: nothing deployed.`;
        const lines: string[] = [];
        for (const t of s.targets) {
          lines.push(`${t.target}  ${t.endpoint ? hyperlink(t.endpoint) : "(no endpoint)"}`);
          const rows = Object.entries(t.outputs).map(([k, v]) => [`  ${k}`, v]);
          if (rows.length) lines.push(table(rows));
        }
        return (r.stacks.length > 1 ? [`# ${s.stack}`, ...lines] : lines).join("\n");
      })
      .join("\n\n");
  }
}
