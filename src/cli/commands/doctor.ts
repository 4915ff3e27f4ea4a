import { dirname } from "node:path";
import type { DoctorRow, DoctorStackResult } from "../../apply/doctor.js";
import { UsageError } from "../../errors.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { loadAll } from "../context.js";
import { envFlag, fileFlag, stateFlag } from "../flags.js";
import { paint, table } from "../output.js";
import { selectStacks } from "../stacks.js";

export interface DoctorCommandResult {
  /** True when no check failed in any stack. */
  ok: boolean;
  stacks: DoctorStackResult[];
}

const STACK = "(stack)";
const checkOf = (r: DoctorRow) => (r.check === "secret" ? `secret ${r.name ?? ""}` : r.check);

export default class DoctorCommand extends BaseCommand<DoctorCommandResult> {
  static override summary = "Check that this machine can deploy: credentials, reach, state and secrets.";
  static override description =
    "For each target of the stack: who its credentials are (sts:GetCallerIdentity, the Azure " +
    "subscription, the ADC principal, the DigitalOcean or Heroku account, the kubeconfig's " +
    "context) and one read showing its region, project or cluster answers; for the stack: that " +
    "the state store opens and what it holds of the stack, and that every env:/file: secret " +
    "resolves (by name; values are never shown). Reads only: no lock, no write, no mutating " +
    "call. A platform without an identity check is `not checked`, never passed. Exit code 0 " +
    "when no check fails, 1 when any does; each failure has a hint.";
  static override examples = [
    "<%= config.bin %> doctor",
    "<%= config.bin %> doctor --env production",
    "<%= config.bin %> doctor -f services/*/apiship.yaml --json",
  ];
  static override flags = { file: fileFlag, env: envFlag, state: stateFlag };

  protected async exec(): Promise<Outcome<DoctorCommandResult>> {
    const { flags } = await this.parse(DoctorCommand);
    const loaded = await loadAll(flags.file, flags.env);
    loaded.warnings.forEach((d) => this.addWarning(d));
    const manifests = loaded.results.map((r) => r.manifest);
    const picked = selectStacks(manifests, flags.env);
    if (picked.length === 0) {
      const envs = [...new Set(manifests.flatMap((m) => m.stacks.map((s) => s.environment)))];
      throw new UsageError(`no stack for environment ${flags.env ?? "(default)"}`, {
        hint: envs.length ? `environments: ${envs.join(", ")}` : "the manifest declares no environment",
      });
    }
    // Loaded here: only doctor needs the engine's checks (and, through them, the providers).
    const { doctorStack } = await import("../../apply/doctor.js");
    const stacks: DoctorStackResult[] = [];
    for (const { manifest, stack } of picked) {
      stacks.push(
        await doctorStack({
          stack,
          registry: loaded.registry,
          env: process.env,
          manifestDir: dirname(manifest.file),
          stateUrl: flags.state,
        }),
      );
    }
    const ok = stacks.every((s) => s.ok);
    return { result: { ok, stacks }, exitCode: ok ? 0 : 1 };
  }

  protected render(r: DoctorCommandResult): string {
    const p = paint(this.color);
    const blocks = r.stacks.map((s) => {
      const rows = s.rows.map((x) => [x.target ?? STACK, x.platform ?? "", checkOf(x), x.result, x.detail]);
      const hints = s.rows
        .filter((x) => x.result === "fail")
        .map((x) => {
          const code = x.code ? ` (${x.code})` : "";
          return `  ${x.target ?? STACK} ${checkOf(x)}${code}: ${x.hint ?? "see the detail above"}`;
        });
      return [
        p("bold", `Stack ${s.stack}`),
        table(rows, ["TARGET", "PLATFORM", "CHECK", "RESULT", "DETAIL"]),
        ...(hints.length ? ["", "Hints:", ...hints] : []),
      ].join("\n");
    });
    const failed = r.stacks.flatMap((s) => s.rows).filter((x) => x.result === "fail").length;
    const summary = failed
      ? p("red", `${failed} check${failed === 1 ? "" : "s"} failed.`)
      : p("green", "No check failed.");
    return [...blocks, summary].join("\n\n");
  }
}
