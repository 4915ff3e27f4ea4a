import type { Kind } from "../../manifest/types.js";
import { hasBehaviour } from "../../core/provider.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { registryWithPlugins } from "../context.js";
import { table } from "../output.js";

export interface PlatformRow {
  id: string;
  provider: string;
  platform: string;
  summary: string;
  kinds: Kind[];
  runtimes: string[];
  nativeRollback: string | null;
  coldStart: string;
  scalesToZero: boolean;
  /** False while only the platform's descriptor has landed: it validates but cannot deploy yet. */
  deployable: boolean;
}

export default class Providers extends BaseCommand<PlatformRow[]> {
  static override summary = "List every provider platform, the kinds it takes and its capabilities.";
  static override description =
    "Read from the provider registry (built-in providers and plugins named in APISHIP_PLUGINS). " +
    "A platform marked 'validate only' has its manifest options but no deploy support yet.";
  static override examples = ["<%= config.bin %> providers", "<%= config.bin %> providers --json"];

  protected async exec(): Promise<Outcome<PlatformRow[]>> {
    await this.parse(Providers);
    const reg = await registryWithPlugins();
    const rows: PlatformRow[] = [];
    for (const mod of await reg.all()) {
      for (const t of Object.values(mod.targets)) {
        rows.push({
          id: t.id,
          provider: t.provider,
          platform: t.platform,
          summary: t.summary,
          kinds: [...t.kinds],
          runtimes: [...(t.runtimes ?? [])],
          nativeRollback: t.capabilities.nativeRollback,
          coldStart: t.capabilities.coldStart,
          scalesToZero: t.capabilities.scalesToZero,
          deployable: hasBehaviour(t),
        });
      }
    }
    rows.sort((a, b) => a.id.localeCompare(b.id));
    return { result: rows };
  }

  protected render(rows: PlatformRow[]): string {
    return table(
      rows.map((r) => [
        r.id,
        r.kinds.join(","),
        r.nativeRollback ?? "re-apply previous release",
        r.coldStart + (r.scalesToZero ? " (scales to zero)" : ""),
        r.deployable ? "deploy" : "validate only",
      ]),
      ["PLATFORM", "KINDS", "ROLLBACK", "COLD START", "SUPPORT"],
    );
  }
}
