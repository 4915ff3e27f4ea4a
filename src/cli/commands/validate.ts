import type { Manifest, TargetSpec } from "../../manifest/types.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { loadAll } from "../context.js";
import { envFlag, fileFlag } from "../flags.js";

export interface ValidateResult {
  manifests: Manifest[];
}

export default class Validate extends BaseCommand<ValidateResult> {
  static override summary = "Load, interpolate and validate manifests; print each stack's targets.";
  static override description =
    "Checks every environment of every manifest given (files or globs, for a monorepo of services) " +
    "and reports every problem with file:line:column, the JSON path and a hint. " +
    "With --json, prints the normalized manifests (defaults applied, durations in milliseconds). " +
    "Never contacts a cloud and never resolves a secret.";
  static override examples = [
    "<%= config.bin %> validate",
    "<%= config.bin %> validate -f services/*/apiship.yaml --env production",
    "<%= config.bin %> validate --json",
  ];
  static override flags = { file: fileFlag, env: envFlag };

  protected async exec(): Promise<Outcome<ValidateResult>> {
    const { flags } = await this.parse(Validate);
    const loaded = await loadAll(flags.file, flags.env, { openapi: true });
    loaded.warnings.forEach((w) => this.addWarning(w));
    return { result: { manifests: loaded.results.map((r) => r.manifest) } };
  }

  protected render(result: ValidateResult): string {
    const lines: string[] = [];
    for (const m of result.manifests) {
      lines.push(`${m.file}: valid (${m.stacks.length} environment${m.stacks.length === 1 ? "" : "s"})`);
      for (const s of m.stacks) {
        const def = s.environment === m.defaultEnvironment ? " (default)" : "";
        lines.push(`  ${s.id}${def}  ${s.service.kind}`);
        for (const t of s.targets)
          lines.push(`    ${t.name.padEnd(14)} ${t.provider}/${t.platform}${where(t)}`);
      }
    }
    return lines.join("\n");
  }
}

/** The option that says where a target lives, whichever name its platform uses. */
export function where(t: TargetSpec): string {
  for (const key of ["region", "location", "context", "namespace"]) {
    const v = t.options[key];
    if (typeof v === "string" && v) return `  ${v}`;
  }
  return "";
}
