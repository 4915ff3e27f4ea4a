// The price book: every shipped table merged into one lookup by id, with `--prices` overrides
// applied. Pure: load.ts does the reading. A model asking for an id no table holds is apiship's
// bug (the tables test checks every id the models use), so that is an InternalError.

import { InternalError } from "../errors.js";
import type { ColdStartData, FreeTier, Price, PriceTable } from "./table-schema.js";

export interface PriceEntry extends Omit<Price, "seen" | "verified"> {
  provider: string;
  /** Undefined for an override that gave no date: its age is unknown. */
  seen: string | undefined;
  /** Undefined for an override that did not say: the value is the user's. */
  verified: boolean | undefined;
  /** The `--prices` file that replaced the shipped value, when one did. */
  overriddenBy?: string;
  /** The shipped value an override replaced. */
  shippedValue?: number;
}

export interface FreeTierEntry extends Omit<FreeTier, "seen" | "verified"> {
  provider: string;
  seen: string | undefined;
  verified: boolean | undefined;
  overriddenBy?: string;
}

/** What an override file changes: values of prices and amounts of free tiers, by id. */
export interface PriceOverrides {
  file: string;
  prices: Map<string, Partial<Price> & { value: number }>;
  freeTiers: Map<string, Partial<FreeTier> & { amount: number }>;
}

export class PriceBook {
  private readonly byId = new Map<string, PriceEntry>();
  private readonly free = new Map<string, FreeTierEntry>();
  private readonly cold = new Map<string, ColdStartData & { provider: string }>();
  readonly tables: readonly PriceTable[];

  constructor(tables: readonly PriceTable[], overrides?: PriceOverrides) {
    this.tables = tables;
    for (const t of tables) {
      for (const p of t.prices) this.byId.set(p.id, { ...p, provider: t.provider });
      for (const f of t.freeTiers) this.free.set(f.id, { ...f, provider: t.provider });
      for (const [platform, c] of Object.entries(t.coldStart))
        this.cold.set(platform, { ...c, provider: t.provider });
    }
    if (overrides) this.apply(overrides);
  }

  private apply(o: PriceOverrides): void {
    for (const [id, p] of o.prices) {
      const have = this.byId.get(id);
      if (!have) continue; // parseOverrides already refused unknown ids
      // The shipped source, date and verdict were about the shipped value, not this one.
      this.byId.set(id, {
        ...have,
        ...p,
        id,
        source: p.source ?? o.file,
        seen: p.seen,
        verified: p.verified,
        provider: have.provider,
        overriddenBy: o.file,
        shippedValue: have.value,
      });
    }
    for (const [id, f] of o.freeTiers) {
      const have = this.free.get(id);
      if (!have) continue;
      this.free.set(id, {
        ...have,
        ...f,
        id,
        source: f.source ?? o.file,
        seen: f.seen,
        verified: f.verified,
        provider: have.provider,
        overriddenBy: o.file,
      });
    }
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The price with this id; `unit` guards a model against reading a price in another unit. */
  price(id: string, unit?: string): PriceEntry {
    const p = this.byId.get(id);
    if (!p) throw new InternalError(`no price "${id}" in the price tables`, { hint: "report this as a bug" });
    if (unit !== undefined && p.unit !== `USD per ${unit}`)
      throw new InternalError(`price "${id}" is ${p.unit}, not USD per ${unit}`, {
        hint: "report this as a bug",
      });
    return p;
  }

  /** A price when the tables hold it (sizes and SKUs a table may not list). */
  maybePrice(id: string): PriceEntry | undefined {
    return this.byId.get(id);
  }

  freeTier(id: string): FreeTierEntry | undefined {
    return this.free.get(id);
  }

  /** Free tiers that cover a price. */
  freeTiersFor(priceId: string): FreeTierEntry[] {
    return [...this.free.values()].filter((f) => f.appliesTo.includes(priceId));
  }

  coldStart(platform: string): (ColdStartData & { provider: string }) | undefined {
    return this.cold.get(platform);
  }

  prices(provider?: string): PriceEntry[] {
    return [...this.byId.values()].filter((p) => provider === undefined || p.provider === provider);
  }

  freeTiers(provider?: string): FreeTierEntry[] {
    return [...this.free.values()].filter((f) => provider === undefined || f.provider === provider);
  }

  providers(): string[] {
    return this.tables.map((t) => t.provider);
  }
}
