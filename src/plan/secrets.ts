// Secret fingerprints (DESIGN.md §2, §4). A plan must show that a secret's value changed
// without holding the value or anything a guesser could test values against, so it holds a
// keyed hash: HMAC-SHA256 with the stack's own key (StackState.secretKey), which never leaves
// the state store except to hash. A plain SHA-256 would let anyone with the plan confirm a
// guessed password offline; the HMAC does not without the key.
//
// Local schemes (env:, file:) resolve here. Cloud secret managers (aws-sm:, gcp-sm:,
// azure-kv:) resolve through their providers while applying; until then a plan fingerprints
// the reference itself, so it still notices when the reference changes.

import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { StateError, UsageError } from "../errors.js";
import { parseSecretRef } from "../manifest/secrets.js";
import type { SecretRef, SecretScheme } from "../manifest/secrets.js";
import type { ServiceSpec } from "../manifest/types.js";
import type { PlanDiagnostic } from "./types.js";

const LOCAL_SCHEMES: readonly SecretScheme[] = ["env", "file"];

/** The reference's parts, or a UsageError that does not repeat it (it may be a pasted value). */
function parseOrThrow(ref: string): SecretRef {
  const parsed = parseSecretRef(ref);
  if (!parsed.ok) throw new UsageError(`the secret reference ${parsed.message}`, { hint: parsed.hint });
  const { ok: _ok, ...rest } = parsed;
  return rest;
}

export function isLocalRef(ref: Pick<SecretRef, "scheme">): boolean {
  return LOCAL_SCHEMES.includes(ref.scheme);
}

/**
 * The value of a local secret reference. `file:` paths are relative to `baseDir` (the
 * manifest's folder); one trailing newline is dropped, since `echo value > file` adds it.
 * Cloud references throw: their providers resolve them while applying.
 */
export async function resolveSecret(
  ref: string,
  env: Record<string, string | undefined>,
  baseDir: string,
): Promise<string> {
  const parsed = parseOrThrow(ref);
  if (parsed.scheme === "env") {
    const value = env[parsed.id];
    if (value === undefined) {
      throw new UsageError(`environment variable ${parsed.id} is not set (secret reference ${ref})`, {
        hint: `export ${parsed.id} before running apiship, or point the secret at another reference`,
      });
    }
    return value;
  }
  if (parsed.scheme === "file") {
    const path = isAbsolute(parsed.id) ? parsed.id : resolve(baseDir, parsed.id);
    try {
      return (await readFile(path, "utf8")).replace(/\r?\n$/, "");
    } catch (e) {
      const why = e instanceof Error && "code" in e ? String(e.code) : "unreadable";
      throw new UsageError(`secret file ${path} cannot be read (${why}; secret reference ${ref})`, {
        cause: e,
        hint: "file: paths are relative to the manifest's folder; check the path and its permissions",
      });
    }
  }
  throw new UsageError(`secret reference ${ref} is resolved by its provider while deploying`, {
    hint: `${parsed.scheme}: secrets are read from the cloud secret manager at deploy time`,
  });
}

/** HMAC-SHA256 of `material` under the stack's base64 key, as "hmac-sha256:<hex>". */
export function fingerprint(key: string, material: string): string {
  const raw = Buffer.from(key, "base64");
  if (raw.length === 0) {
    throw new StateError("the stack's secret key is empty", {
      hint: "the state store is damaged; restore it from a backup or remove the stack with `apiship state rm`",
    });
  }
  return `hmac-sha256:${createHmac("sha256", raw).update(material, "utf8").digest("hex")}`;
}

export interface SecretFingerprints {
  /** Secret name → keyed hash. */
  hashes: Record<string, string>;
  diagnostics: PlanDiagnostic[];
}

async function fingerprintOne(
  name: string,
  ref: string,
  key: string,
  env: Record<string, string | undefined>,
  baseDir: string,
): Promise<{ hash: string; diagnostic?: PlanDiagnostic }> {
  const path = `service.secrets.${name}`;
  let parsed: SecretRef;
  try {
    parsed = parseOrThrow(ref);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const diagnostic = diag("error", "secret-invalid-ref", `secret ${name}: ${e.message}`, path, e.hint);
    return { hash: fingerprint(key, `invalid:${ref}`), diagnostic };
  }
  if (!isLocalRef(parsed)) {
    const diagnostic = diag(
      "warning",
      "secret-unresolved",
      `secret ${name} (${parsed.scheme}:${parsed.id}) is resolved at deploy time; the plan cannot tell whether its value changed`,
      path,
    );
    return { hash: fingerprint(key, `unresolved:${ref}`), diagnostic };
  }
  try {
    return { hash: fingerprint(key, `value:${await resolveSecret(ref, env, baseDir)}`) };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const code = parsed.scheme === "env" ? "secret-unset" : "secret-unreadable";
    // A warning, not an error: a plan must be reviewable where secrets are absent (a pull
    // request from a fork, a laptop). Deploy resolves every secret and refuses a missing one.
    const diagnostic = diag(
      "warning",
      code,
      `secret ${name}: ${e.message}; deploy will refuse until it is set`,
      path,
      e.hint,
    );
    return { hash: fingerprint(key, `missing:${ref}`), diagnostic };
  }
}

/**
 * Keyed hashes of every secret of the service. A secret that cannot be resolved gets an error
 * diagnostic naming the variable or file (never a value) and a placeholder hash, so the rest
 * of the plan still renders.
 */
export async function fingerprintSecrets(
  service: ServiceSpec,
  key: string,
  env: Record<string, string | undefined>,
  baseDir: string,
): Promise<SecretFingerprints> {
  const hashes: Record<string, string> = {};
  const diagnostics: PlanDiagnostic[] = [];
  for (const name of Object.keys(service.secrets).sort()) {
    const ref = service.secrets[name] ?? "";
    const one = await fingerprintOne(name, ref, key, env, baseDir);
    hashes[name] = one.hash;
    if (one.diagnostic) diagnostics.push(one.diagnostic);
  }
  return { hashes, diagnostics };
}

function diag(
  severity: PlanDiagnostic["severity"],
  code: string,
  message: string,
  path: string,
  hint?: string,
): PlanDiagnostic {
  return hint === undefined ? { severity, code, message, path } : { severity, code, message, path, hint };
}
