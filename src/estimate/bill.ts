// Building a breakdown line by line. Each line is a usage quantity in its price's unit times that
// price, less what a free tier covers; a free tier shared by several lines is drawn down once.
// Promotional free tiers follow `--free-tier`; included allowances (`included: true`) always apply.

import type { PriceBook } from "./price-book.js";
import type { CostLine, FreeTierMode } from "./types.js";

export interface LineSpec {
  label: string;
  /** Usage in the price's unit (the part after "USD per "). */
  quantity: number;
  priceId: string;
  /** Paid whatever the traffic. */
  fixed: boolean;
  /** No free tier applies to this line (Lambda with provisioned concurrency, Flex always-ready). */
  noFreeTier?: boolean;
  /**
   * An included allowance computed by the model (a bandwidth allowance × instances): applies in
   * both free-tier modes, in place of the table's free tiers for this line.
   */
  allowance?: { freeTierId: string; amount: number };
}

export class Bill {
  readonly lines: CostLine[] = [];
  readonly priceIds = new Set<string>();
  /** Free amount left per free tier id, as lines draw it down. */
  private readonly left = new Map<string, number>();

  constructor(
    private readonly prices: PriceBook,
    readonly mode: FreeTierMode,
  ) {}

  /** Adds a line; returns it so a model can mention it in an assumption. */
  add(spec: LineSpec): CostLine {
    const price = this.prices.price(spec.priceId);
    const unit = price.unit.slice("USD per ".length);
    const quantity = Math.max(0, spec.quantity);
    let freeQuantity = 0;
    let freeTierId: string | undefined;
    let credit = 0;
    if (spec.allowance) {
      freeQuantity = Math.min(quantity, spec.allowance.amount);
      freeTierId = spec.allowance.freeTierId;
    } else if (!spec.noFreeTier) {
      for (const f of this.prices.freeTiersFor(spec.priceId)) {
        if (this.mode === "ignore" && !f.included) continue;
        const left = this.left.get(f.id) ?? f.amount;
        if (left <= 0) continue;
        if (f.unit === "USD") {
          // A credit in dollars: applied to what the line costs after any quantity free tier.
          const take = Math.min(left, (quantity - freeQuantity) * price.value - credit);
          credit += take;
          this.left.set(f.id, left - take);
        } else {
          const take = Math.min(left, quantity - freeQuantity);
          freeQuantity += take;
          this.left.set(f.id, left - take);
        }
        freeTierId = f.id;
      }
    }
    // (quantity − free) × price, as the providers' own worked examples compute it.
    const amount = Math.max(0, (quantity - freeQuantity) * price.value - credit);
    const line: CostLine = {
      label: spec.label,
      quantity,
      unit,
      priceId: spec.priceId,
      unitPrice: price.value,
      freeQuantity,
      ...(freeTierId ? { freeTierId } : {}),
      amount,
      fixed: spec.fixed,
    };
    this.lines.push(line);
    this.priceIds.add(spec.priceId);
    return line;
  }
}

/**
 * Rounds USD to cents the way the providers' published examples do: IEEE doubles and half up
 * (DigitalOcean's 410,000 × $0.0000185 = 7.585000… → $7.59, 1,410,000 × $0.0000185 =
 * 26.084999… → $26.08).
 */
export function roundCents(usd: number): number {
  return Math.round(usd * 100) / 100;
}
