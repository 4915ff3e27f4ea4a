import { Flags } from "@oclif/core";
import { ProviderError, UsageError } from "../../errors.js";
import { writePlanFile } from "../../plan/file.js";
import { planStack } from "../../plan/planner.js";
import { renderHuman, renderHumanDiagnostics } from "../../plan/render/human.js";
import { renderMarkdown } from "../../plan/render/markdown.js";
import type { Plan } from "../../plan/types.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { loadAll } from "../context.js";
import { envFlag, fileFlag, stateFlag, targetFlag } from "../flags.js";
import { RawJson } from "../json-out.js";
import { colorEnabled, err } from "../output.js";
import { Stores, ensureSecretKeys, stackJobs } from "../stacks.js";

export interface PlanResult {
  plans: Plan[];
}

export default class PlanCommand extends BaseCommand<PlanResult> {
  static override summary = "Show what a deploy would change, and save the plan to apply exactly.";
  static override description =
    "By default each target's adapter reads the live cloud (refresh) and drift is shown apart from " +
    "changes. --offline plans against the recorded state alone and needs no credentials. Secret values " +
    "never appear: a changed secret shows as an update of a (sensitive) attribute.\n\n" +
    "Exit codes: 0 ok; 1 error; with --detailed-exitcode, 0 no changes, 2 changes, 1 error.";
  static override examples = [
    "<%= config.bin %> plan --offline",
    "<%= config.bin %> plan --env production --out plan.json --detailed-exitcode",
    "<%= config.bin %> plan --format markdown > plan.md",
  ];
  static override flags = {
    file: fileFlag,
    env: envFlag,
    target: targetFlag,
    state: stateFlag,
    out: Flags.string({
      char: "o",
      description: "Write the plan JSON here (one stack only), for `deploy --plan`.",
    }),
    offline: Flags.boolean({
      description: "Plan from the recorded state alone: no cloud reads, no credentials.",
    }),
    "detailed-exitcode": Flags.boolean({
      description: "Exit 0 when nothing changes, 2 when something does, 1 on error.",
    }),
    format: Flags.string({
      options: ["human", "markdown"],
      default: "human",
      description: "Text view of the plan.",
    }),
    prices: Flags.string({
      description:
        "Price file (the format of `apiship prices --json` tables) over the shipped prices, for estimates.",
    }),
    "free-tier": Flags.string({
      options: ["apply", "ignore"],
      default: "apply",
      description: "Apply the providers' free tiers to estimates (the other total is shown beside it).",
    }),
    explain: Flags.boolean({
      description: "Print the assumptions behind each cost and cold-start estimate.",
    }),
  };

  private format = "human";
  private explain = false;

  protected async exec(): Promise<Outcome<PlanResult>> {
    const { flags } = await this.parse(PlanCommand);
    this.format = flags.format;
    this.explain = flags.explain;
    const loaded = await loadAll(flags.file, flags.env, { openapi: true });
    loaded.warnings.forEach((w) => this.addWarning(w));
    const stores = new Stores(flags.state);
    try {
      const jobs = await stackJobs(loaded.results, flags.env, stores);
      if (flags.out && jobs.length !== 1) {
        throw new UsageError(`--out saves one stack's plan, and this run plans ${jobs.length}`, {
          hint: "pick one manifest (-f) and one environment (--env) per plan file",
        });
      }
      // Not with --target: planStack refuses an unknown one before it would create anything.
      if (!flags.target) await ensureSecretKeys(jobs);
      // With --json (and no --out) each stack's plan is serialized as soon as it is made and only
      // its text kept: its objects then die young, instead of surviving to the end through the
      // young generation's copying (0.96× the CPU of a 400-stack plan).
      const serialize = this.jsonMode && !flags.out;
      const plans: (Plan | RawJson)[] = [];
      let changed = false;
      const failed: string[] = [];
      for (const job of jobs) {
        const plan = await planStack(job.stack, {
          registry: loaded.registry,
          store: job.store,
          offline: flags.offline,
          targets: flags.target,
          env: process.env,
          manifest: job.manifestRef,
          toolVersion: this.config.version,
          estimates: {
            freeTier: flags["free-tier"] === "ignore" ? "ignore" : "apply",
            ...(flags.prices ? { pricesFile: flags.prices } : {}),
          },
        });
        const s = plan.summary;
        changed ||= s.create + s.update + s.replace + s.delete > 0;
        failed.push(...failedTargets(plan));
        plans.push(serialize ? new RawJson(JSON.stringify(plan)) : plan);
      }
      if (flags.out && plans[0]) await writePlanFile(flags.out, plans[0] as Plan);
      const error = incomplete(failed);
      return {
        // A RawJson is only ever serialized (--json), and serializes as the plan it was made from.
        result: { plans: plans as Plan[] },
        exitCode: flags["detailed-exitcode"] && changed ? 2 : 0,
        ...(error ? { error } : {}),
      };
    } finally {
      await stores.closeAll();
    }
  }

  protected render(result: PlanResult): string {
    if (this.format === "markdown") return result.plans.map(renderMarkdown).join("\n\n");
    // Diagnostics go to stderr, so they stay on the terminal when the plan is redirected.
    const color = colorEnabled(process.stderr);
    for (const p of result.plans) {
      if (p.diagnostics.length === 0) continue;
      err(renderHumanDiagnostics(p, { color }));
      // In GitHub Actions each becomes an annotation on the manifest (plans know no line).
      this.annotate(p.diagnostics.map((d) => ({ ...d, file: p.manifest.path })));
    }
    return result.plans
      .map((p) => renderHuman(p, { color: this.color, diagnostics: false, explain: this.explain }))
      .join("\n\n");
  }
}

/** The targets (or the stack) a plan's errors name: those that could not be planned. */
function failedTargets(p: Plan): string[] {
  return p.diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => (d.target ? `${p.stack}:${d.target}` : p.stack));
}

/** An error naming the targets that could not be planned, when some could not. */
function incomplete(failed: string[]): ProviderError | undefined {
  if (failed.length === 0) return undefined;
  const names = [...new Set(failed)];
  return new ProviderError(
    `the plan is incomplete: ${names.length} of its targets could not be planned (${names.join(", ")})`,
    {
      code: "PLAN_INCOMPLETE",
      fault: "user",
      hint: "see the errors above; `--offline` plans from the recorded state without reading the clouds",
    },
  );
}
