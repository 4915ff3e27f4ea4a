import { Flags } from "@oclif/core";
import type { PriceAge, TableAge } from "../../estimate/index.js";
import { UsageError } from "../../errors.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { table } from "../output.js";

export interface PricesResult {
  tables: TableAge[];
  prices: (PriceAge & { value: number; unit: string; region?: string; source: string })[];
}

export default class PricesCommand extends BaseCommand<PricesResult> {
  static override summary = "Print the price tables estimates use, with the age of every figure.";
  static override description =
    "One table per provider, shipped with apiship (prices/*.json): each price's value, unit, region, " +
    "source and the date it was seen, whether it was checked against its source, and its age. A " +
    "figure older than 180 days is flagged. --prices FILE applies your own rates (same format) first.";
  static override examples = [
    "<%= config.bin %> prices",
    "<%= config.bin %> prices --provider aws",
    "<%= config.bin %> prices --prices negotiated.json --json",
  ];
  static override flags = {
    provider: Flags.string({ char: "p", description: "Only this provider's table (aws, azure, gcp, ...)." }),
    prices: Flags.string({
      description: "A price file in the tables' format that overrides shipped prices.",
    }),
  };

  protected async exec(): Promise<Outcome<PricesResult>> {
    const { flags } = await this.parse(PricesCommand);
    // Loaded here, not at start-up: only this command and estimates need the tables.
    const { loadPriceBook, priceAges, tableAges } = await import("../../estimate/index.js");
    const book = await loadPriceBook(flags.prices ? { overrideFile: flags.prices } : {});
    const now = new Date();
    if (flags.provider && !book.providers().includes(flags.provider))
      throw new UsageError(`no price table for provider ${flags.provider}`, {
        hint: `tables: ${book.providers().join(", ")}`,
      });
    const only = <T extends { provider: string }>(xs: T[]) =>
      xs.filter((x) => !flags.provider || x.provider === flags.provider);
    const entries = new Map(book.prices().map((p) => [p.id, p]));
    const prices = only(priceAges(book, now))
      .filter((a) => a.kind === "price")
      .map((a) => {
        const p = entries.get(a.id);
        return {
          ...a,
          value: p?.value ?? 0,
          unit: p?.unit ?? "",
          source: p?.source ?? "",
          ...(p?.region ? { region: p.region } : {}),
        };
      });
    return { result: { tables: only(tableAges(book, now)), prices } };
  }

  protected render(r: PricesResult): string {
    const out: string[] = [];
    for (const t of r.tables) {
      const age =
        t.ageDays === undefined ? "age unknown" : `oldest figure ${t.ageDays} days old (${t.oldestSeen})`;
      out.push(`${t.provider}: ${age}${t.stale ? `, ${t.staleIds.length} older than 180 days` : ""}`);
      const rows = r.prices
        .filter((p) => p.provider === t.provider)
        .map((p) => [
          `  ${p.id}`,
          String(p.value),
          p.unit,
          p.region ?? "",
          p.seen ?? "?",
          p.stale ? "STALE" : p.verified === false ? "unverified" : p.overriddenBy ? "yours" : "",
        ]);
      if (rows.length) out.push(table(rows));
    }
    return out.join("\n");
  }
}
