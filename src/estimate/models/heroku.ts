// Heroku: web dynos of one size, a fixed count (the Common Runtime does not autoscale), billed
// per second up to the monthly price. Eco dynos are a $5 plan of 1,000 dyno hours shared by the
// account's Eco dynos, and sleep after 30 idle minutes. Option: `dynoSize`.

import type { ColdStartProfileFn, CostModel, PlatformModel } from "../model.js";
import { DEFAULT_SERVER_CONCURRENCY, optString, peakSizing } from "../model.js";

// RAM of each size in MiB and the families a size grows within (heroku/dynos.ts chooseDyno).
const MEMORY: Record<string, number> = {
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
const FAMILIES: readonly (readonly string[])[] = [
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
const SINGLE = ["eco", "basic"];

/** The dyno size apiship runs: the option, grown within its family to hold memory and the count. */
export function dynoSize(option: string, memoryMiB: number, quantity: number): string | undefined {
  const family = FAMILIES.find((f) => f.includes(option)) ?? [option];
  return family
    .slice(family.indexOf(option))
    .find((size) => (MEMORY[size] ?? 0) >= memoryMiB && !(quantity > 1 && SINGLE.includes(size)));
}

function quantity(min: number): number {
  return Math.max(1, min);
}

const herokuCost: CostModel = (ctx) => {
  const option = optString(ctx.options, "dynoSize") ?? "basic";
  const n = quantity(ctx.service.scaling.min);
  const size = dynoSize(option, ctx.service.resources.memory, n);
  const c = ctx.service.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY;
  if (!size) {
    ctx.incomplete(`no ${option} dyno family size holds ${ctx.service.resources.memory} MiB and ${n} dynos`);
    return peakSizing(ctx, c, n, "the dyno count");
  }
  if (size !== option)
    ctx.assume(`dyno size ${size}: ${option} grown to hold resources.memory and ${n} dynos, as apiship does`);
  const id = `heroku.dyno.${size}`;
  if (!ctx.prices.maybePrice(id)) {
    ctx.incomplete(
      `no list price for ${size} dynos in the table (Private and Shield dynos are priced per contract)`,
    );
  } else if (size === "eco") {
    ctx.bill.add({
      label: "Eco dynos plan (1,000 dyno hours shared by the account's Eco dynos)",
      quantity: 1,
      priceId: id,
      fixed: true,
    });
    ctx.assume(
      "one Eco web dyno awake all month uses at most 730 of the plan's 1,000 hours; it sleeps after 30 idle minutes",
    );
  } else {
    ctx.bill.add({ label: `${n} ${size} dyno${n === 1 ? "" : "s"}`, quantity: n, priceId: id, fixed: true });
  }
  ctx.assume(
    `${n} web dyno${n === 1 ? "" : "s"} (scaling.min, at least one) all month: the Common Runtime does not autoscale; the monthly price is the most a dyno costs`,
  );
  ctx.assume("Heroku does not bill outbound transfer separately");
  return peakSizing(ctx, c, n, `the dyno count (scaling.min = ${n})`);
};

const herokuColdStart: ColdStartProfileFn = (input) => {
  const n = quantity(input.service.scaling.min);
  const size = dynoSize(optString(input.options, "dynoSize") ?? "basic", input.service.resources.memory, n);
  const eco = size === "eco";
  return {
    alwaysOn: !eco,
    warmPool: 0,
    concurrency: input.service.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY,
    maxInstances: n,
    scalesOut: false,
    requestWaits: true,
    assumptions: [
      eco
        ? "an Eco web dyno sleeps after 30 minutes without web traffic; the next request wakes it"
        : "dynos above Eco never sleep",
    ],
    warnings: [],
  };
};

export const herokuModels: PlatformModel[] = [
  { platform: "heroku/heroku", cost: herokuCost, coldStart: herokuColdStart },
];
