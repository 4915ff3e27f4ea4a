// Reading the price tables: the ones shipped in the package (prices/<provider>.json, package.json
// `files`), and a `--prices FILE` override in the same format. Only called when an estimate is
// asked for, so `validate` and a plan without traffic read nothing. A bad override is a
// UsageError naming the file; a bad shipped table is apiship's bug (InternalError).

import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as z from "zod";
import { InternalError, UsageError } from "../errors.js";
import { PriceBook } from "./price-book.js";
import type { PriceOverrides } from "./price-book.js";
import { freeTierSchema, priceSchema, priceTableSchema } from "./table-schema.js";
import type { PriceTable } from "./table-schema.js";

/** The shipped tables, one per provider (the `local` one prices this machine at zero). */
export const PRICE_TABLE_PROVIDERS = [
  "aws",
  "azure",
  "gcp",
  "firebase",
  "digitalocean",
  "heroku",
  "kubernetes",
  "local",
] as const;

/**
 * apiship's package root, where `prices/` ships: found by walking up to apiship's package.json,
 * because this module runs from src/estimate in the repository and tests, and from a chunk of
 * dist/ in the built CLI (the same walk as providers/_shared/runtime/entries.ts, which src/ may
 * not import).
 */
export function packageRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown };
      if (pkg.name === "apiship") return dir;
    } catch {
      // No package.json here: keep walking up.
    }
    if (path.dirname(dir) === dir) return path.resolve(from, "../..");
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(top)"}: ${i.message}`)
    .join("; ");
}

/** Parses one shipped table; a problem is apiship's bug. */
export function parseShippedTable(text: string, file: string): PriceTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InternalError(`${file} is not valid JSON: ${(e as Error).message}`, {
      hint: "reinstall apiship",
    });
  }
  const r = priceTableSchema.safeParse(json);
  if (!r.success) throw new InternalError(`${file} is not a valid price table: ${describeIssues(r.error)}`);
  return r.data;
}

export async function readShippedTables(root = packageRoot()): Promise<PriceTable[]> {
  return Promise.all(
    PRICE_TABLE_PROVIDERS.map(async (p) => {
      const file = path.join(root, "prices", `${p}.json`);
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (e) {
        throw new InternalError(`cannot read the price table ${file}: ${(e as Error).message}`, {
          hint: "reinstall apiship: the prices/ folder ships with the package",
        });
      }
      return parseShippedTable(text, file);
    }),
  );
}

// An override names ids and new values; everything else a shipped price says may be given too
// (a contract as source, the date the rate applies from), but none of it is required.
// Its source may be anything that says where the rate comes from ("contract 2026-11").
const overrideSource = { source: z.string().min(1).optional() };
const overridePrice = priceSchema.partial().extend(overrideSource).required({ id: true, value: true });
const overrideFreeTier = freeTierSchema.partial().extend(overrideSource).required({ id: true, amount: true });
const overrideSchema = z.strictObject({
  provider: z.string().optional(),
  currency: z.literal("USD", { error: 'must be "USD": apiship compares prices in US dollars' }),
  note: z.string().optional(),
  prices: z.array(overridePrice).default([]),
  freeTiers: z.array(overrideFreeTier).default([]),
});

const HINT =
  'a --prices file is JSON like the shipped tables: { "currency": "USD", "prices": [ { "id": "aws.lambda.request", "value": 0.18 } ] }; `apiship prices` lists the ids';

/**
 * Parses a `--prices` file against the shipped book: only known ids, in the shipped unit.
 * PURE (the caller read the text); every problem is a UsageError naming the file.
 */
export function parseOverrides(text: string, file: string, shipped: PriceBook): PriceOverrides {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`, { hint: HINT });
  }
  const r = overrideSchema.safeParse(json);
  if (!r.success)
    throw new UsageError(`${file} is not a price table: ${describeIssues(r.error)}`, { hint: HINT });
  const out: PriceOverrides = { file, prices: new Map(), freeTiers: new Map() };
  const unknown: string[] = [];
  for (const p of r.data.prices) {
    const have = shipped.maybePrice(p.id);
    if (!have) {
      unknown.push(p.id);
      continue;
    }
    if (p.unit !== undefined && p.unit !== have.unit)
      throw new UsageError(`${file}: ${p.id} is priced "${have.unit}", not "${p.unit}"`, {
        hint: `give the value in ${have.unit}, or leave unit out`,
      });
    if (out.prices.has(p.id))
      throw new UsageError(`${file}: ${p.id} is given twice`, { hint: "keep one entry per id" });
    out.prices.set(p.id, p);
  }
  for (const f of r.data.freeTiers) {
    if (!shipped.freeTier(f.id)) unknown.push(f.id);
    else out.freeTiers.set(f.id, f);
  }
  if (unknown.length > 0) {
    const near = unknown.map((u) =>
      nearest(u, [...shipped.prices().map((p) => p.id), ...shipped.freeTiers().map((f) => f.id)]),
    );
    const hints = near.filter(Boolean).map((n, i) => `${unknown[i]} → ${n}?`);
    throw new UsageError(`${file}: unknown price id${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`, {
      hint: `${hints.length > 0 ? `did you mean ${hints.join(", ")} ` : ""}run \`apiship prices\` to list the ids; an override can only change a price the tables have`,
    });
  }
  return out;
}

/** The id sharing the longest dotted prefix with `id`, as a hint. */
function nearest(id: string, ids: readonly string[]): string | undefined {
  const parts = id.split(".");
  let best: string | undefined;
  let bestScore = 1;
  for (const c of ids) {
    const cp = c.split(".");
    let s = 0;
    while (s < parts.length && s < cp.length && parts[s] === cp[s]) s++;
    if (s > bestScore) {
      bestScore = s;
      best = c;
    }
  }
  return best;
}

export interface LoadPriceBookOptions {
  /** `--prices FILE`: values replacing shipped ones. */
  overrideFile?: string;
  /** Where prices/ lives; default: apiship's package root. */
  root?: string;
}

/** The shipped tables with an optional override applied. The only I/O of estimating. */
export async function loadPriceBook(opts: LoadPriceBookOptions = {}): Promise<PriceBook> {
  const tables = await readShippedTables(opts.root);
  if (opts.overrideFile === undefined) return new PriceBook(tables);
  let text: string;
  try {
    text = await readFile(opts.overrideFile, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read the prices file ${opts.overrideFile}${code ? ` (${code})` : ""}`, {
      hint: "check the path given to --prices",
    });
  }
  const shipped = new PriceBook(tables);
  return new PriceBook(tables, parseOverrides(text, opts.overrideFile, shipped));
}
