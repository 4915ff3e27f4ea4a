// DigitalOcean: App Platform (an instance size × a count, monthly, with a bandwidth allowance),
// Functions (GiB-seconds, 100 ms minimum per invocation, no request fee) and a Droplet (one VM,
// monthly). Options as the platforms name them: App Platform `instanceSize`, Droplet `size`.

import { fitAppInstanceSize, isDedicatedSize } from "../../core/sizes/digitalocean.js";
import type { ColdStartProfileFn, CostModel, PlatformModel } from "../model.js";
import {
  DEFAULT_SERVER_CONCURRENCY,
  GIB,
  alwaysOnCount,
  billedMs,
  optString,
  peakSizing,
  singleInstanceColdStart,
} from "../model.js";

// --- App Platform -----------------------------------------------------------------------------

// The size priced is the one apiship runs: the option, or a bigger size of the same family when
// resources ask for more than it gives, by the table and rule digitalocean/app-spec.ts deploys
// with (src/core/sizes/digitalocean.ts).

const appPlatformCost: CostModel = (ctx) => {
  const { service: s, traffic: t, bill } = ctx;
  const option = optString(ctx.options, "instanceSize") ?? "apps-s-1vcpu-0.5gb";
  const size = fitAppInstanceSize(option, s.resources);
  const c = s.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY;
  const min = Math.max(1, s.scaling.min);
  const auto = size !== undefined && isDedicatedSize(size) && s.scaling.max > min;
  const { base, fixed } = auto
    ? alwaysOnCount(ctx, c, 1, Math.min(250, s.scaling.max))
    : { base: min, fixed: min };
  if (!size) {
    ctx.incomplete(
      `no App Platform instance size holds ${s.resources.cpu ?? 0} vCPU and ${s.resources.memory} MiB`,
    );
    return peakSizing(ctx, c, base);
  }
  if (size !== option)
    ctx.assume(
      `instance size ${size}: the smallest of ${option}'s family that holds resources (apiship picks it too)`,
    );
  const id = `digitalocean.app-platform.${size}`;
  bill.add({ label: `${size} × ${fixed}`, quantity: fixed, priceId: id, fixed: true });
  if (base > fixed)
    bill.add({
      label: `${size} × ${base - fixed} more for the load`,
      quantity: base - fixed,
      priceId: id,
      fixed: false,
    });
  ctx.assume(
    `${auto ? `autoscaling between ${min} and ${Math.min(250, s.scaling.max)} (dedicated sizes only)` : `a fixed count of ${min} (shared sizes do not autoscale)`}, billed per second up to the monthly price`,
  );
  if (t.egressGb !== undefined && t.egressGb > 0) {
    const allowance = ctx.prices.freeTier(`digitalocean.app-platform.included.transfer.${size}`);
    const included = (allowance?.amount ?? 0) * base;
    bill.add({
      label: "Outbound transfer",
      quantity: t.egressGb,
      priceId: "digitalocean.app-platform.transfer",
      fixed: false,
      ...(allowance ? { allowance: { freeTierId: allowance.id, amount: included } } : { noFreeTier: true }),
    });
    ctx.assume(
      `each instance brings its size's bandwidth allowance (${allowance?.amount ?? 0} GiB × ${base})`,
    );
  }
  const single = size.startsWith("apps-s-1vcpu-0.5gb") || size === "apps-s-1vcpu-1gb-fixed";
  return peakSizing(
    ctx,
    c,
    single ? 1 : auto ? Math.min(250, s.scaling.max) : min,
    single ? `${size} (one instance only)` : auto ? "scaling.max" : `the fixed count (scaling.min = ${min})`,
  );
};

const appPlatformColdStart: ColdStartProfileFn = (input) => {
  const s = input.service;
  const size =
    fitAppInstanceSize(optString(input.options, "instanceSize") ?? "apps-s-1vcpu-0.5gb", s.resources) ?? "";
  const min = Math.max(1, s.scaling.min);
  const auto = isDedicatedSize(size) && s.scaling.max > min;
  return {
    alwaysOn: true,
    warmPool: min,
    concurrency: s.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY,
    maxInstances: auto ? Math.min(250, s.scaling.max) : min,
    scalesOut: auto,
    requestWaits: false,
    assumptions: ["App Platform services run at least one instance and never scale to zero"],
    warnings: [],
  };
};

// --- Functions --------------------------------------------------------------------------------

const functionsCost: CostModel = (ctx) => {
  const { traffic: t, service: s, bill } = ctx;
  // apiship clamps memory to Functions' 128 MB–1 GB (digitalocean/fn-plan.ts).
  const mib = Math.min(1024, Math.max(128, s.resources.memory));
  const ms = billedMs(t.meanDurationMs, 1, 100);
  bill.add({
    label: `Compute (${mib} MiB × ${ms} ms)`,
    quantity: t.monthlyRequests * (mib / GIB) * (ms / 1000),
    priceId: "digitalocean.functions.gib-second",
    fixed: false,
  });
  ctx.assume(
    `GiB-seconds = invocations × memory (${mib} MiB) × run time, at least 100 ms an invocation; no per-request fee`,
  );
  ctx.assume("outbound transfer is not priced for Functions");
  // One activation per container; apiship sets no instance bound on Functions.
  return peakSizing(ctx, 1, Number.POSITIVE_INFINITY);
};

const functionsColdStart: ColdStartProfileFn = () => ({
  alwaysOn: false,
  warmPool: 0,
  concurrency: 1,
  maxInstances: Number.POSITIVE_INFINITY,
  scalesOut: true,
  requestWaits: true,
  assumptions: ["DigitalOcean Functions has no warm-instance control: scaling.min does not apply"],
  warnings: [],
});

// --- Droplet ----------------------------------------------------------------------------------

const dropletCost: CostModel = (ctx) => {
  const size = optString(ctx.options, "size") ?? "s-1vcpu-1gb";
  const id = `digitalocean.droplet.${size}`;
  if (ctx.prices.maybePrice(id))
    ctx.bill.add({ label: `Droplet ${size}`, quantity: 1, priceId: id, fixed: true });
  else ctx.incomplete(`no price for the Droplet size ${size} in the table`);
  ctx.assume(
    `one Droplet all month (billed hourly up to its monthly price); a deploy briefly runs a second one (blue/green), not priced`,
  );
  if (ctx.traffic.egressGb)
    ctx.assume(
      `outbound transfer is assumed within the team's pooled allowance (from 500 GiB a Droplet); above it DigitalOcean bills $0.01 per GiB`,
    );
  return peakSizing(ctx, ctx.service.scaling.concurrency ?? DEFAULT_SERVER_CONCURRENCY, 1, "one Droplet");
};

const dropletColdStart = singleInstanceColdStart("one Droplet runs the container all the time");

export const digitaloceanModels: PlatformModel[] = [
  { platform: "digitalocean/app-platform", cost: appPlatformCost, coldStart: appPlatformColdStart },
  { platform: "digitalocean/functions", cost: functionsCost, coldStart: functionsColdStart },
  { platform: "digitalocean/droplet", cost: dropletCost, coldStart: dropletColdStart },
];
