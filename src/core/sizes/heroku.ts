// Heroku dyno sizes, as data: their RAM, the families a size grows within, and how apiship grows
// one. One table for both sides: providers/heroku picks the dyno it deploys with it
// (heroku/dynos.ts chooseDyno), and the cost model prices that same dyno
// (src/estimate/models/heroku.ts). Data and pure functions only.
//
// Figures: Heroku Dev Center, "Dyno Types" (https://devcenter.heroku.com/articles/dyno-types).

// Cedar-generation dyno sizes by family, each smallest first: a size only grows within its own
// family (a Private Space app cannot move to a Common Runtime size, nor the other way).
const COMMON_RUNTIME = [
  "eco",
  "basic",
  "standard-1x",
  "standard-2x",
  "performance-m",
  "performance-l",
  "performance-l-ram",
  "performance-xl",
  "performance-2xl",
] as const;
const PRIVATE_SPACES = ["private-s", "private-m", "private-l"] as const;
const SHIELD_SPACES = ["shield-s", "shield-m", "shield-l"] as const;
const FAMILIES: readonly (readonly DynoSize[])[] = [COMMON_RUNTIME, PRIVATE_SPACES, SHIELD_SPACES];

// The schema's dyno-size names are read-only data with no enum. The API accepts them
// case-insensitively ("Standard-1X").
export const DYNO_SIZES = [...COMMON_RUNTIME, ...PRIVATE_SPACES, ...SHIELD_SPACES] as const;

export type DynoSize = (typeof DYNO_SIZES)[number];

/** RAM of each size in MiB (devcenter "Dyno Types"). */
export const DYNO_MEMORY_MIB: Readonly<Record<DynoSize, number>> = {
  eco: 512,
  basic: 512,
  "standard-1x": 512,
  "standard-2x": 1024,
  "performance-m": 2560,
  "performance-l": 14336,
  "performance-l-ram": 30720,
  "performance-xl": 63488,
  "performance-2xl": 129024,
  "private-s": 1024,
  "private-m": 2560,
  "private-l": 14336,
  "shield-s": 1024,
  "shield-m": 2560,
  "shield-l": 14336,
};

/** Eco and Basic run one dyno per process type. */
export function runsOneDyno(size: string): boolean {
  return size === "eco" || size === "basic";
}

/**
 * The dyno size apiship runs: `option`, grown within its family to the smallest size that holds
 * `memoryMiB` and can run `quantity` dynos. Undefined when no size of the family fits. A name
 * that is no dyno size stands alone and holds nothing.
 */
export function growDyno(option: DynoSize, memoryMiB: number, quantity: number): DynoSize | undefined;
export function growDyno(option: string, memoryMiB: number, quantity: number): string | undefined;
export function growDyno(option: string, memoryMiB: number, quantity: number): string | undefined {
  const family: readonly string[] = FAMILIES.find((f) => f.includes(option as DynoSize)) ?? [option];
  return family
    .slice(family.indexOf(option))
    .find(
      (size) => (DYNO_MEMORY_MIB[size as DynoSize] ?? 0) >= memoryMiB && !(quantity > 1 && runsOneDyno(size)),
    );
}
