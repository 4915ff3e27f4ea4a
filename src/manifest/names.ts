// Physical names (DESIGN.md §2). A stack's resources are found again by name, so a name must
// be a pure function of (app, environment, target) and must satisfy the provider's rules.
// When a name is too long it is cut and a short hash of the full input is appended, so two
// long names that differ only at the end still differ.

import { hash } from "node:crypto";
import type { NameRule } from "../core/provider.js";
import type { Stack, TargetSpec } from "./types.js";

/** The naming rules of DESIGN.md §2, for platform descriptors to use (or copy and adjust). */
export const NAME_RULES = {
  lambda: {
    resource: "Lambda function",
    maxLength: 64,
    lowercase: false,
    extraChars: "-_",
    startsWithLetter: false,
  },
  ecsService: {
    resource: "ECS service",
    maxLength: 255,
    lowercase: false,
    extraChars: "-_",
    startsWithLetter: false,
  },
  appService: {
    resource: "App Service site",
    maxLength: 60,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: false,
  },
  cloudRun: {
    resource: "Cloud Run service",
    maxLength: 49,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  cloudFunctions: {
    resource: "Cloud Function",
    maxLength: 63,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  heroku: { resource: "Heroku app", maxLength: 30, lowercase: true, extraChars: "-", startsWithLetter: true },
  digitalocean: {
    resource: "DigitalOcean app",
    maxLength: 32,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
  kubernetes: {
    resource: "Kubernetes object",
    maxLength: 63,
    lowercase: true,
    extraChars: "-",
    startsWithLetter: true,
  },
} as const satisfies Record<string, NameRule>;

/** The rule `stackBaseName` uses: a DNS-1123 label, valid nearly everywhere. */
const STACK_RULE: NameRule = { ...NAME_RULES.kubernetes, resource: "stack" };

const HASH_LENGTH = 6;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

// Letters NFKD does not decompose into ASCII.
const TRANSLITERATIONS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ø: "o",
  Ø: "O",
  đ: "d",
  Đ: "D",
  ł: "l",
  Ł: "L",
  þ: "th",
  Þ: "TH",
  ð: "d",
  Ð: "D",
  ı: "i",
};

function toAscii(s: string): string {
  // Nearly every name is printable ASCII already; NFKD and the Unicode-aware regex are not free.
  if (/^[\u0020-\u007e]*$/.test(s)) return s;
  return s
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\u0020-\u007e]/g, (c) => TRANSLITERATIONS[c] ?? c);
}

/** The separator a rule allows: "-" where allowed, else "_", else none. */
function separatorOf(rule: NameRule): string {
  if (rule.extraChars.includes("-")) return "-";
  if (rule.extraChars.includes("_")) return "_";
  return "";
}

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^-]/g, (c) => `\\${c}`);
}

/** A stable, name-safe hash of the input: lowercase base32 of its sha256. */
export function shortHash(input: string, length = HASH_LENGTH): string {
  const digest = hash("sha256", input, "buffer");
  let out = "";
  for (let i = 0; out.length < length; i++) out += BASE32[(digest[i] ?? 0) % 32];
  return out;
}

/** A rule's "not allowed" and "run of separators" patterns, built once per rule. */
function patternsOf(rule: NameRule): { disallowed: RegExp; runs: RegExp | undefined } {
  let p = PATTERNS.get(rule);
  if (!p) {
    const sep = separatorOf(rule);
    p = {
      disallowed: new RegExp(`[^a-z0-9${rule.lowercase ? "" : "A-Z"}${escapeClass(rule.extraChars)}]`, "g"),
      runs: sep ? new RegExp(`${escapeClass(sep)}{2,}`, "g") : undefined,
    };
    PATTERNS.set(rule, p);
  }
  return p;
}

const PATTERNS = new WeakMap<NameRule, { disallowed: RegExp; runs: RegExp | undefined }>();

function sanitize(rule: NameRule, raw: string): string {
  const sep = separatorOf(rule);
  const { disallowed, runs } = patternsOf(rule);
  let s = toAscii(raw);
  if (rule.lowercase) s = s.toLowerCase();
  s = s.replace(disallowed, sep);
  if (runs) s = s.replace(runs, sep);
  // Names must start and end with a letter or digit on most platforms (DNS labels, Heroku).
  return s.replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$/g, "");
}

/**
 * The physical name of `parts` (joined with the rule's separator) under `rule`: transliterated
 * to ASCII (NFKD, marks dropped), other disallowed characters replaced by the separator, runs
 * collapsed, trimmed, lowercased when the rule says so, prefixed with "a" + separator when it
 * must start with a letter and does not, and, when longer than the rule allows, cut and suffixed
 * with separator + a 6-character hash of the untruncated input. Pure and deterministic.
 *
 * Characters that cannot be transliterated (CJK, emoji) are dropped; when nothing is left, the
 * name is "a" + the hash, so it is still stable and distinct.
 */
export function physicalName(rule: NameRule, parts: readonly string[]): string {
  // Pure, and asked for the same names many times per plan (every resource of every target):
  // an offline plan of 2,400 targets spent ~0.3 s here before the memo.
  let memo = NAME_MEMO.get(rule);
  if (!memo) NAME_MEMO.set(rule, (memo = new Map()));
  const key = parts.join("\u0000");
  let name = memo.get(key);
  if (name === undefined) memo.set(key, (name = computeName(rule, parts)));
  return name;
}

const NAME_MEMO = new WeakMap<NameRule, Map<string, string>>();

function computeName(rule: NameRule, parts: readonly string[]): string {
  const sep = separatorOf(rule);
  let name = sanitize(rule, parts.join(sep || "-"));
  const hash = () => shortHash(JSON.stringify(parts));
  if (name === "") return `a${sep}${hash()}`.slice(0, rule.maxLength);
  if (rule.startsWithLetter && !/^[a-zA-Z]/.test(name)) name = `a${sep}${name}`;
  if (name.length <= rule.maxLength) return name;
  const keep = Math.max(0, rule.maxLength - sep.length - HASH_LENGTH);
  const head = name.slice(0, keep).replace(/[^a-zA-Z0-9]+$/, "");
  return head ? `${head}${sep}${hash()}` : `a${hash()}`.slice(0, rule.maxLength);
}

/** The base name of a stack, `<app>-<environment>`, as a DNS-1123 label. */
export function stackBaseName(stack: Pick<Stack, "app" | "environment">): string {
  return physicalName(STACK_RULE, [stack.app, stack.environment]);
}

/** The physical base name of one target of a stack: `<app>-<environment>-<target>` under `rule`. */
export function targetPhysicalName(
  stack: Pick<Stack, "app" | "environment">,
  target: Pick<TargetSpec, "name">,
  rule: NameRule,
): string {
  return physicalName(rule, [stack.app, stack.environment, target.name]);
}
