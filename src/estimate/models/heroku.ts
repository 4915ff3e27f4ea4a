// Heroku: web dynos of one size, a fixed count (the Common Runtime does not autoscale), billed
// per second up to the monthly price. Eco dynos are a $5 plan of 1,000 dyno hours shared by the
// account's Eco dynos, and sleep after 30 idle minutes. Option: `dynoSize`.

// The dyno priced is the one apiship runs: the option grown within its family to hold memory
// and the count, by the table and rule heroku/dynos.ts chooseDyno deploys with.

import { growDyno } from "../../core/sizes/heroku.js";
import type { ColdStartProfileFn, CostModel, PlatformModel } from "../model.js";
import { DEFAULT_SERVER_CONCURRENCY, optString, peakSizing } from "../model.js";

function quantity(min: number): number {
  return Math.max(1, min);
}

const herokuCost: CostModel = (ctx) => {
  const option = optString(ctx.options, "dynoSize") ?? "basic";
  const n = quantity(ctx.service.scaling.min);
  const size = growDyno(option, ctx.service.resources.memory, n);
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
  const size = growDyno(optString(input.options, "dynoSize") ?? "basic", input.service.resources.memory, n);
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
