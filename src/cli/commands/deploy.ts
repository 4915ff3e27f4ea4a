import { resolve } from "node:path";
import { Flags } from "@oclif/core";
import { deployStack } from "../../apply/executor.js";
import type { DeployResult } from "../../apply/types.js";
import type { CatalogResult } from "../../catalog/run.js";
import { ProviderError, UsageError } from "../../errors.js";
import { assertPlanCurrent, readPlanFile } from "../../plan/file.js";
import { planStack } from "../../plan/planner.js";
import { renderHuman } from "../../plan/render/human.js";
import type { Plan } from "../../plan/types.js";
import { EngineCommand } from "../engine-command.js";
import type { Outcome } from "../base-command.js";
import type { Loaded } from "../context.js";
import { loadAll } from "../context.js";
import { JSON_STREAM_NOTE, concurrencyFlag, confirm, withJobs, worstExit, yesFlag } from "../engine.js";
import { envFlag, fileFlag, stateFlag, targetFlag } from "../flags.js";
import { err, out } from "../output.js";
import type { StackJob } from "../stacks.js";
import { Stores } from "../stacks.js";
import { renderCatalog } from "./catalog.js";
import { renderRun } from "../run-view.js";

export interface StackDeploy {
  stack: string;
  /** What the plan that was applied (or would have been) counts. */
  changes: Plan["summary"];
  /** "no-changes": nothing to do; "cancelled": declined at the prompt; else the engine ran. */
  outcome: "no-changes" | "cancelled" | "applied";
  deploy?: DeployResult;
}

export interface DeployCommandResult {
  stacks: StackDeploy[];
  /** With --catalog, after a successful deploy: what was written. */
  catalog?: CatalogResult;
}

type Planned = { job: StackJob; plan: Plan };

const changed = (p: Plan) => p.summary.create + p.summary.update + p.summary.replace + p.summary.delete > 0;

export default class DeployCommand extends EngineCommand<DeployCommandResult> {
  static override summary =
    "Plan and deploy the stack: targets in parallel, health-checked, rolled back on failure.";
  static override description =
    "Without --plan it plans against the live cloud, shows the plan and asks for confirmation on a terminal; " +
    "a run nobody can answer (CI, a pipe) needs --yes. With --plan it applies exactly that saved plan, " +
    "without asking, and refuses it when the state or the manifest moved since it was made.\n\n" +
    "After each target deploys, its endpoint is health-checked (service.health), and with health.smoke: openapi " +
    "smoke-tested from service.openapi (each GET operation that needs no parameter, or whose parameters have " +
    "examples, at most 20: a status, content type or JSON body the document does not allow fails the check); a " +
    "failing target is rolled back to its previous release unless --no-rollback. Ctrl-C launches nothing new, lets calls in flight " +
    "finish, saves the state and exits 130; a second Ctrl-C quits at once (the recorded intents keep the state " +
    "consistent).\n\n" +
    `${JSON_STREAM_NOTE}\n\n` +
    "Exit codes: 0 deployed or no changes; 3 some targets failed and the others deployed; 1 error (or " +
    "cancelled); 130 interrupted.";
  static override examples = [
    "<%= config.bin %> deploy --env staging",
    "<%= config.bin %> deploy --env production --yes --concurrency 16",
    "<%= config.bin %> plan --env production --out plan.json && <%= config.bin %> deploy --plan plan.json",
  ];
  static override flags = {
    file: fileFlag,
    env: envFlag,
    target: targetFlag,
    state: stateFlag,
    plan: Flags.string({ description: "Apply exactly this saved plan (from `plan --out`)." }),
    yes: yesFlag,
    concurrency: concurrencyFlag,
    rollback: Flags.boolean({
      default: true,
      allowNo: true,
      description: "Roll a target back when its health check fails (--no-rollback keeps the new release).",
    }),
    catalog: Flags.string({
      description:
        "After a successful deploy (exit 0), write the catalogue of every environment into this folder, as `apiship catalog --out DIR` does: OpenAPI documents with the live servers and a Backstage catalog-info.yaml.",
    }),
  };

  protected async exec(): Promise<Outcome<DeployCommandResult>> {
    const { flags } = await this.parse(DeployCommand);
    if (flags.plan && flags.target) {
      throw new UsageError("--target cannot narrow a saved plan", {
        hint: "make the plan with `apiship plan --target T --out FILE` instead",
      });
    }
    return withJobs(
      flags,
      (d) => this.addWarning(d),
      async (loaded, jobs) => {
        const planned = flags.plan
          ? await this.savedPlan(flags.plan, jobs)
          : await this.fresh(loaded, jobs, flags.target);
        const outcome = await this.deployAll(loaded, planned, flags);
        if (flags.catalog === undefined) return outcome;
        return this.withCatalog(outcome, flags.catalog, flags);
      },
      { openapi: true },
    );
  }

  /**
   * `--catalog DIR`: only a deploy that went through (exit 0) is published. Every environment of
   * the manifests is written from the state, not only the one deployed, so the folder stays whole.
   */
  private async withCatalog(
    outcome: Outcome<DeployCommandResult>,
    dir: string,
    flags: { file?: string[] | undefined; state?: string | undefined },
  ): Promise<Outcome<DeployCommandResult>> {
    if ((outcome.exitCode ?? 0) !== 0) {
      this.addWarning(`catalog not written to ${dir}: the deploy did not succeed`);
      return outcome;
    }
    const all = await loadAll(flags.file, undefined);
    const stores = new Stores(flags.state);
    try {
      const manifests = all.results.map((r) => r.manifest);
      const { catalogManifests } = await import("../../catalog/run.js");
      const catalog = await catalogManifests(manifests, stores, resolve(dir));
      return { ...outcome, result: { ...outcome.result, catalog } };
    } finally {
      await stores.closeAll();
    }
  }

  /** Asks once for every stack with changes, then deploys them one after the other. */
  private async deployAll(
    loaded: Loaded,
    planned: Planned[],
    flags: { plan?: string | undefined; yes: boolean; concurrency: number; rollback: boolean },
  ): Promise<Outcome<DeployCommandResult>> {
    const stacks: StackDeploy[] = [];
    const pending: Planned[] = [];
    for (const item of planned) {
      // Intents a killed run left open are settled by the engine from the cloud, so it runs
      // even for an empty plan (it makes no mutating call then).
      if (changed(item.plan) || (await item.job.store.openIntents(item.plan.stack)).length > 0)
        pending.push(item);
      else stacks.push({ stack: item.plan.stack, changes: item.plan.summary, outcome: "no-changes" });
    }
    if (pending.length === 0) return { result: { stacks } };
    const asking = pending.filter(({ plan }) => changed(plan));
    if (!flags.plan && asking.length > 0) {
      const what = asking.map(({ plan }) => plan.stack).join(", ");
      const ok = await confirm(`Deploy these changes to ${what}?`, { yes: flags.yes, action: "deploy" });
      if (!ok) {
        stacks.push(
          ...pending.map(({ plan }) => ({
            stack: plan.stack,
            changes: plan.summary,
            outcome: "cancelled" as const,
          })),
        );
        return { result: { stacks }, exitCode: 1 };
      }
    }
    for (const { job, plan } of pending) {
      const deploy = await this.apply(loaded, job, plan, flags);
      stacks.push({ stack: plan.stack, changes: plan.summary, outcome: "applied", deploy });
    }
    return { result: { stacks }, exitCode: worstExit(stacks.map((s) => s.deploy?.exitCode ?? 0)) };
  }

  /** Plans every stack against the live cloud and shows the plans (stderr with --json). */
  private async fresh(loaded: Loaded, jobs: StackJob[], targets: string[] | undefined): Promise<Planned[]> {
    const planned: Planned[] = [];
    for (const job of jobs) {
      const plan = await planStack(job.stack, {
        registry: loaded.registry,
        store: job.store,
        offline: false,
        ...(targets ? { targets } : {}),
        env: process.env,
        manifest: job.manifestRef,
        toolVersion: this.config.version,
      });
      if (changed(plan) || plan.diagnostics.length > 0) this.show(renderHuman(plan, { color: this.color }));
      const bad = plan.diagnostics.find((d) => d.severity === "error");
      if (bad) {
        throw new ProviderError(`cannot deploy ${plan.stack}: ${bad.message}`, {
          code: bad.code,
          fault: "user",
          ...(bad.target ? { target: bad.target } : {}),
          hint: bad.hint ?? "fix what the plan reports, then deploy again",
        });
      }
      planned.push({ job, plan });
    }
    return planned;
  }

  private async savedPlan(file: string, jobs: StackJob[]): Promise<Planned[]> {
    const plan = await readPlanFile(file);
    const job = jobs.find((j) => j.stack.id === plan.stack);
    if (!job) {
      throw new UsageError(`the plan ${file} is for stack ${plan.stack}, which this run does not select`, {
        hint: `pass the -f and --env the plan was made with (selected: ${jobs.map((j) => j.stack.id).join(", ")})`,
      });
    }
    // Checked here, before the no-change short cut: like Terraform, a saved plan whose state or
    // manifest moved is refused whatever it holds, even when it shows no changes. The engine
    // checks again under the lock.
    const state = await job.store.read(plan.stack);
    assertPlanCurrent(plan, {
      stack: job.stack.id,
      stateSerial: state?.serial ?? 0,
      manifestSha256: job.manifestRef.sha256,
    });
    return [{ job, plan }];
  }

  private async apply(
    loaded: Loaded,
    job: StackJob,
    plan: Plan,
    flags: { concurrency: number; rollback: boolean },
  ): Promise<DeployResult> {
    return this.onStack(loaded, job, (common) =>
      deployStack({
        ...common,
        plan,
        manifestSha256: job.manifestRef.sha256,
        concurrency: flags.concurrency,
        rollback: flags.rollback,
      }),
    );
  }

  private show(text: string): void {
    if (this.jsonMode) err(text);
    else out(text);
  }

  protected render(r: DeployCommandResult): string {
    const runs = r.stacks
      .map((s) =>
        s.outcome === "no-changes"
          ? `${s.stack}: No changes. The cloud matches the manifest.`
          : s.outcome === "cancelled"
            ? `${s.stack}: Deploy cancelled; nothing was changed.`
            : s.deploy
              ? renderRun("deploy", s.deploy, { live: this.liveOnScreen })
              : "",
      )
      .join("\n\n");
    return r.catalog ? `${runs}\n\nCatalog:\n${renderCatalog(r.catalog)}` : runs;
  }
}
