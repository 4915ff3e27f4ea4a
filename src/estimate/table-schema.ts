// The shape of a price table (prices/<provider>.json, and a `--prices FILE` override). Data, not
// code: every price carries its unit, region, source and the date it was seen, so a figure in an
// estimate can be traced to where it came from (docs/prices.md describes the format).

import * as z from "zod";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A price or free-tier id: lowercase dotted words ("aws.lambda.request"); SKU parts keep their case. */
export const PRICE_ID = /^[a-z0-9]+(\.[A-Za-z0-9_-]+)+$/;

const date = z
  .string()
  .regex(ISO_DATE, { error: "must be a date written YYYY-MM-DD" })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), { error: "is not a calendar date" });

/** Where a figure comes from: a web address, or a document of this repository (docs/...). */
const source = z.string().regex(/^(https?:\/\/\S+|docs\/[\w./-]+\.md(#\S*)?)$/, {
  error: "must be an http(s) address or a docs/*.md path",
});

const id = z.string().regex(PRICE_ID, { error: 'must be a dotted id such as "aws.lambda.request"' });

export const priceSchema = z.strictObject({
  id,
  value: z.number().min(0),
  /** "USD per <unit>", e.g. "USD per 1M requests", "USD per GB-second", "USD per hour". */
  unit: z.string().regex(/^USD per \S.*$/, { error: 'must read "USD per <unit>"' }),
  region: z.string().min(1).optional(),
  source,
  seen: date,
  /** False: from prior knowledge or a secondary source, not confirmed; never a test oracle. */
  verified: z.boolean(),
  note: z.string().min(1).optional(),
});

export const freeTierSchema = z.strictObject({
  id,
  /** In the unit of the prices it applies to ("1M requests", "GB-second"), or "USD" for a credit. */
  amount: z.number().min(0),
  unit: z.string().min(1),
  /** Who shares it: "month per account", "month per billing account", "month per instance". */
  per: z.string().min(1),
  appliesTo: z.array(id).min(1),
  /**
   * Included with the product (a plan's bandwidth allowance, Heroku's Eco dyno hours), so it
   * applies even with `--free-tier ignore`, which only drops promotional free tiers.
   */
  included: z.boolean().optional(),
  source,
  seen: date,
  verified: z.boolean(),
  note: z.string().min(1).optional(),
});

const coldStartSchema = z
  .strictObject({
    /** Seconds an idle instance is kept before it is recycled; null: always on (never idles out). */
    keepAliveSeconds: z.number().positive().nullable(),
    source: source.optional(),
    seen: date.optional(),
    verified: z.boolean().optional(),
    note: z.string().min(1).optional(),
    /**
     * Added latency of a cold start in milliseconds, by runtime family ("nodejs", "python", "go",
     * "java", "dotnet", "ruby", "php"), "container" for a container image, "*" for any.
     */
    initMs: z.record(z.string().regex(/^([a-z]+|\*)$/), z.number().min(0)).optional(),
    initMsSource: source.optional(),
    initMsSeen: date.optional(),
    initMsVerified: z.boolean().optional(),
    initMsNote: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    const need = (ok: boolean, path: string, what: string) => {
      if (!ok) ctx.addIssue({ code: "custom", path: [path], message: `${what} needs ${path}` });
    };
    if (c.keepAliveSeconds !== null) {
      need(c.source !== undefined, "source", "a keep-alive");
      need(c.seen !== undefined, "seen", "a keep-alive");
      need(c.verified !== undefined, "verified", "a keep-alive");
    }
    if (c.initMs) {
      need(c.initMsSource !== undefined, "initMsSource", "initMs");
      need(c.initMsSeen !== undefined, "initMsSeen", "initMs");
      need(c.initMsVerified !== undefined, "initMsVerified", "initMs");
    }
  });

const PLATFORM_ID = /^[a-z0-9-]+\/[a-z0-9-]+$/;

export const priceTableSchema = z
  .strictObject({
    provider: z.string().regex(/^[a-z0-9-]+$/),
    currency: z.literal("USD"),
    note: z.string().min(1).optional(),
    prices: z.array(priceSchema),
    freeTiers: z.array(freeTierSchema).default([]),
    coldStart: z.record(z.string().regex(PLATFORM_ID), coldStartSchema).default({}),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.prices.forEach((p, i) => {
      if (seen.has(p.id))
        ctx.addIssue({ code: "custom", path: ["prices", i, "id"], message: `${p.id} twice` });
      seen.add(p.id);
    });
    t.freeTiers.forEach((f, i) => {
      if (seen.has(f.id))
        ctx.addIssue({ code: "custom", path: ["freeTiers", i, "id"], message: `${f.id} twice` });
      seen.add(f.id);
    });
  });

export type Price = z.output<typeof priceSchema>;
export type FreeTier = z.output<typeof freeTierSchema>;
export type ColdStartData = z.output<typeof coldStartSchema>;
export type PriceTable = z.output<typeof priceTableSchema>;
