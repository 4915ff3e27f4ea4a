// Dyno sizes and how `resources` and `scaling` pick one. Data and pure functions only.

// Cedar-generation dyno sizes; the schema's dyno-size names are read-only data with no enum.
// The API accepts them case-insensitively ("Standard-1X").
export const DYNO_SIZES = [
  "eco",
  "basic",
  "standard-1x",
  "standard-2x",
  "performance-m",
  "performance-l",
  "performance-l-ram",
  "performance-xl",
  "performance-2xl",
  "private-s",
  "private-m",
  "private-l",
  "shield-s",
  "shield-m",
  "shield-l",
] as const;

export type DynoSize = (typeof DYNO_SIZES)[number];

/** RAM of each size in MiB (devcenter "Dyno Types"). */
const MEMORY: Record<DynoSize, number> = {
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

// Each family, smallest first: a size only grows within its own family (a Private Space app
// cannot move to a Common Runtime size, nor the other way).
const FAMILIES: readonly (readonly DynoSize[])[] = [
  [
    "eco",
    "basic",
    "standard-1x",
    "standard-2x",
    "performance-m",
    "performance-l",
    "performance-l-ram",
    "performance-xl",
    "performance-2xl",
  ],
  ["private-s", "private-m", "private-l"],
  ["shield-s", "shield-m", "shield-l"],
];

/** Eco and Basic run one dyno per process type. */
const SINGLE: readonly DynoSize[] = ["eco", "basic"];

export interface DynoChoice {
  size: DynoSize;
  /** Why the size differs from the option, when it does. */
  why?: string;
}

/**
 * The dyno size for the web process: the target's `dynoSize`, grown within its family to the
 * smallest size that holds `resources.memory` and can run `quantity` dynos. Undefined when no
 * size of the family fits (the plan reports that).
 */
export function chooseDyno(option: DynoSize, memoryMiB: number, quantity: number): DynoChoice | undefined {
  const family = FAMILIES.find((f) => f.includes(option)) ?? [option];
  const start = family.indexOf(option);
  for (const size of family.slice(start)) {
    if (MEMORY[size] < memoryMiB) continue;
    if (quantity > 1 && SINGLE.includes(size)) continue;
    if (size === option) return { size };
    const reasons: string[] = [];
    if (MEMORY[option] < memoryMiB)
      reasons.push(`resources.memory ${memoryMiB} MiB exceeds ${option}'s ${MEMORY[option]} MiB`);
    if (quantity > 1 && SINGLE.includes(option))
      reasons.push(`${option} runs one dyno, scaling.min asks ${quantity}`);
    return { size, why: reasons.join("; ") };
  }
  return undefined;
}

export function memoryOf(size: DynoSize): number {
  return MEMORY[size];
}

/** Web dynos to run: Heroku's Common Runtime does not autoscale, so `scaling.min`, at least 1. */
export function quantityFor(min: number): number {
  return Math.max(1, min);
}
