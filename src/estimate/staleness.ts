// How old the figures are. A plan warns when a table holds prices seen more than 180 days ago,
// and `apiship prices` prints every price with its age. PURE: `now` is passed in, never read.

import type { PriceBook } from "./price-book.js";

/** Prices older than this many days make a plan warn. */
export const STALE_AFTER_DAYS = 180;

const DAY_MS = 86_400_000;

/** Whole days from `seen` (YYYY-MM-DD, UTC) to `now`; negative when seen is in the future. */
export function ageInDays(seen: string, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(`${seen}T00:00:00Z`)) / DAY_MS);
}

export interface PriceAge {
  id: string;
  kind: "price" | "free tier";
  provider: string;
  /** Undefined for an override that gave no date. */
  seen: string | undefined;
  ageDays: number | undefined;
  stale: boolean;
  verified: boolean | undefined;
  overriddenBy?: string;
}

/** Every price and free tier with its age, for `apiship prices`. */
export function priceAges(book: PriceBook, now: Date, maxAgeDays = STALE_AFTER_DAYS): PriceAge[] {
  const age = (seen: string | undefined) => (seen === undefined ? undefined : ageInDays(seen, now));
  const row = (
    e: { id: string; provider: string; seen?: string; verified?: boolean; overriddenBy?: string },
    kind: PriceAge["kind"],
  ): PriceAge => {
    const ageDays = age(e.seen);
    return {
      id: e.id,
      kind,
      provider: e.provider,
      seen: e.seen,
      ageDays,
      stale: ageDays !== undefined && ageDays > maxAgeDays,
      verified: e.verified,
      ...(e.overriddenBy ? { overriddenBy: e.overriddenBy } : {}),
    };
  };
  return [...book.prices().map((p) => row(p, "price")), ...book.freeTiers().map((f) => row(f, "free tier"))];
}

export interface TableAge {
  provider: string;
  /** The oldest date seen among the table's prices and free tiers. */
  oldestSeen: string | undefined;
  newestSeen: string | undefined;
  /** Age of the oldest figure, in days. */
  ageDays: number | undefined;
  stale: boolean;
  /** Ids of the figures older than the limit. */
  staleIds: string[];
  unverifiedIds: string[];
}

/** Per table: the age of its oldest figure and which ids are past the limit (the plan warning). */
export function tableAges(book: PriceBook, now: Date, maxAgeDays = STALE_AFTER_DAYS): TableAge[] {
  const rows = priceAges(book, now, maxAgeDays);
  return book.providers().map((provider) => {
    const mine = rows.filter((r) => r.provider === provider);
    const dates = mine.flatMap((r) => (r.seen === undefined ? [] : [r.seen])).sort();
    const oldest = dates[0];
    const ageDays = oldest === undefined ? undefined : ageInDays(oldest, now);
    const staleIds = mine.filter((r) => r.stale).map((r) => r.id);
    return {
      provider,
      oldestSeen: oldest,
      newestSeen: dates[dates.length - 1],
      ageDays,
      stale: staleIds.length > 0,
      staleIds,
      unverifiedIds: mine.filter((r) => r.verified === false).map((r) => r.id),
    };
  });
}

/** The stale figures among `ids` (the prices one estimate used), for a plan's warning. */
export function stalePrices(
  book: PriceBook,
  now: Date,
  ids?: readonly string[],
  maxAgeDays = STALE_AFTER_DAYS,
): PriceAge[] {
  const want = ids ? new Set(ids) : undefined;
  return priceAges(book, now, maxAgeDays).filter((r) => r.stale && (!want || want.has(r.id)));
}
