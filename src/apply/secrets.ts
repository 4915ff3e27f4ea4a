// Secret values while applying: resolved from their references (env:, file:) just before the
// adapters need them, handed over in PlannedChange.secrets, and scrubbed from every string the
// engine reports (events, errors, state, release summaries), in case an adapter or a cloud
// echoes one back in an error message.

import { UsageError, toApishipError } from "../errors.js";
import type { ApishipError } from "../errors.js";
import { parseSecretRef } from "../manifest/secrets.js";
import type { ServiceSpec } from "../manifest/types.js";
import { isLocalRef, resolveSecret } from "../plan/secrets.js";

export interface ResolvedSecrets {
  /** Secret name → value, for the local references that resolved. */
  values: Record<string, string>;
  /** Every secret that could not be resolved, in one error; a deploy stops with it before the lock. */
  error?: ApishipError;
}

/**
 * Resolves the service's local secrets; cloud references are left to their providers. Every
 * reference is tried, so one run names all the missing ones instead of one per attempt.
 */
export async function resolveSecrets(
  service: ServiceSpec,
  env: Record<string, string | undefined>,
  baseDir: string,
): Promise<ResolvedSecrets> {
  const values: Record<string, string> = {};
  const problems: { name: string; message: string; hint?: string | undefined }[] = [];
  for (const name of Object.keys(service.secrets).sort()) {
    const ref = service.secrets[name] ?? "";
    const parsed = parseSecretRef(ref);
    if (!parsed.ok) {
      problems.push({ name, message: `invalid reference: ${parsed.message}`, hint: parsed.hint });
      continue;
    }
    if (!isLocalRef(parsed)) continue;
    try {
      values[name] = await resolveSecret(ref, env, baseDir);
    } catch (e) {
      const err = toApishipError(e);
      problems.push({ name, message: err.message, hint: err.hint });
    }
  }
  if (problems.length === 0) return { values };
  const [first] = problems;
  const message =
    problems.length === 1 && first
      ? `secret ${first.name}: ${first.message}`
      : `${problems.length} secrets cannot be resolved: ${problems.map((p) => `${p.name} (${p.message})`).join("; ")}`;
  const hints = [...new Set(problems.map((p) => p.hint).filter((h): h is string => !!h))];
  return { values, error: new UsageError(message, hints.length ? { hint: hints.join("; ") } : {}) };
}

/** Secrets shorter than this are not scrubbed: "1" would blank every digit of a report. */
const MIN_SCRUB_LENGTH = 4;

export interface Redact {
  (text: string): string;
  /** Learns more values to scrub: a rollback resolves an older release's secrets mid-run. */
  add(values: readonly string[]): void;
}

/**
 * The spellings a secret can come back in: as given, escaped inside JSON (a cloud echoing a
 * request body), base64 (a Kubernetes Secret's data), URL-encoded, and line by line (a PEM key
 * quoted in part).
 */
function spellings(v: string): string[] {
  return [
    v,
    JSON.stringify(v).slice(1, -1),
    Buffer.from(v, "utf8").toString("base64"),
    encodeURIComponent(v),
    ...v.split(/\r?\n/),
  ];
}

export function redactor(values: readonly string[]): Redact {
  const known = new Set<string>();
  let secrets: string[] = [];
  const redact = ((text: string) => secrets.reduce((t, v) => t.split(v).join("(sensitive)"), text)) as Redact;
  redact.add = (more) => {
    for (const v of more.flatMap(spellings)) if (v.length >= MIN_SCRUB_LENGTH) known.add(v);
    // Longest first, so a secret containing another is scrubbed whole.
    secrets = [...known].sort((a, b) => b.length - a.length);
  };
  redact.add(values);
  return redact;
}

/** A JSON value with every string scrubbed. */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redact)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}
