// Cost and cold-start estimates (issue 21): the API the plan output, `apiship prices` and
// `apiship recommend` build on. Everything here is pure except loadPriceBook, which reads the
// shipped tables (prices/*.json) and a `--prices` override. docs/prices.md describes the tables.
//
//   const prices = await loadPriceBook({ overrideFile });          // I/O, once per run
//   const e = estimate({ platform, traffic, service, options }, prices, { freeTier: "apply" });
//   e.cost.total, e.cost.lines, e.coldStart.coldStartsPerMonth, explain(e)
//   stalePrices(prices, new Date(), [...e.cost.lines.map((l) => l.priceId)])  // plan warning

export type {
  ColdStartEstimate,
  CostBreakdown,
  CostLine,
  Estimate,
  EstimateInput,
  EstimateService,
  FreeTierMode,
  TrafficSpec,
} from "./types.js";
export { estimate, estimateColdStarts, estimateCost, explain } from "./estimate.js";
export type { CostOptions } from "./estimate.js";
export { estimatedPlatforms, platformModel } from "./registry.js";
export { PriceBook } from "./price-book.js";
export type { FreeTierEntry, PriceEntry, PriceOverrides } from "./price-book.js";
export {
  loadPriceBook,
  packageRoot,
  parseOverrides,
  parseShippedTable,
  readShippedTables,
  PRICE_TABLE_PROVIDERS,
} from "./load.js";
export type { LoadPriceBookOptions } from "./load.js";
export { priceTableSchema } from "./table-schema.js";
export type { ColdStartData, FreeTier, Price, PriceTable } from "./table-schema.js";
export { STALE_AFTER_DAYS, ageInDays, priceAges, stalePrices, tableAges } from "./staleness.js";
export type { PriceAge, TableAge } from "./staleness.js";
export { HOURS_PER_MONTH, SECONDS_PER_MONTH, meanRate } from "./month.js";
export { PEAKS_PER_MONTH } from "./coldstart.js";
export { roundCents } from "./bill.js";
