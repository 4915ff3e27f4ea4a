// What the action masks in the job's log (`::add-mask::`) before anything can print it: the
// state URL's password, in either of PostgreSQL's forms (a URL, or key=value pairs such as
// `host=db password=secret`), and the values of the manifest's env: and file: secrets. The
// runner then replaces each masked string with *** in every later line of the job, whoever
// prints it (apiship, a cloud's error message, a later step).

import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parseSecretRef } from "../manifest/secrets.js";
import { escapeData } from "./annotations.js";
import type { Env } from "./annotations.js";

/** `password=...` in libpq's key=value form: bare, or single-quoted with \' and \\ escapes. */
const KEYWORD_PASSWORD = /(?:^|[\s;?&])password\s*=\s*('(?:[^'\\]|\\.)*'|[^\s;&]+)/gi;

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    // A malformed %-escape is masked as written.
    return raw;
  }
}

/** Passwords inside a connection string, as written and as the server gets them. */
export function connectionPasswords(value: string): string[] {
  const out: string[] = [];
  if (URL.canParse(value)) {
    const url = new URL(value);
    if (url.password) out.push(url.password, decode(url.password));
    const inQuery = url.searchParams.get("password");
    if (inQuery) out.push(inQuery);
  }
  for (const m of value.matchAll(KEYWORD_PASSWORD)) {
    const written = m[1] ?? "";
    out.push(written);
    if (written.startsWith("'")) out.push(written.slice(1, -1).replace(/\\(.)/g, "$1"));
    else out.push(decode(written));
  }
  return out;
}

/**
 * The strings to mask for one secret value: the value, each of its lines (the runner matches a
 * mask within one line, so a multi-line value is masked line by line) and a password inside it.
 */
export function maskedParts(value: string): string[] {
  const parts = [value, value.trim(), ...value.split(/\r?\n/).map((l) => l.trim())];
  parts.push(...connectionPasswords(value));
  return parts;
}

/**
 * Parts shorter than this are not masked, as the redactor (src/apply/secrets.ts) does not scrub
 * them: the runner would star out every "1" or "on" in the job's log.
 */
export const MIN_MASKED = 4;

/** The `::add-mask::` lines for the values, each once. */
export function maskCommands(values: Iterable<string>): string[] {
  const seen = new Set<string>();
  for (const v of values) for (const p of maskedParts(v)) if (p.length >= MIN_MASKED) seen.add(p);
  return [...seen].map((p) => `::add-mask::${escapeData(p)}`);
}

/** The parts of a validated manifest the secrets' values come from. */
export interface SecretSource {
  baseDir: string;
  service: { secrets?: Record<string, string> };
}

/**
 * The values of the env: and file: secrets the stacks reference, read as apiship reads them.
 * A missing variable or unreadable file has no value to hide (the run reports it). Cloud
 * secret-manager references have no value here either: the platforms read them (an ECS
 * valueFrom, a Cloud Run secret reference, a Key Vault reference), never apiship.
 */
export function secretValues(stacks: readonly SecretSource[], env: Env): string[] {
  const out: string[] = [];
  for (const stack of stacks) {
    for (const ref of Object.values(stack.service.secrets ?? {})) {
      const parsed = parseSecretRef(ref);
      if (!parsed.ok) continue;
      if (parsed.scheme === "env") {
        const v = env[parsed.id];
        if (v) out.push(v);
      } else if (parsed.scheme === "file") {
        const path = isAbsolute(parsed.id) ? parsed.id : resolve(stack.baseDir, parsed.id);
        try {
          out.push(readFileSync(path, "utf8").replace(/\r?\n$/, ""));
        } catch {
          // Unreadable: nothing to mask, and the deploy says what is wrong with it.
        }
      }
    }
  }
  return out;
}
