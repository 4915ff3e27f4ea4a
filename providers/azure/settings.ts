// App settings of a site: the manifest's `env`, its secrets, and the settings apiship itself
// owns. `env:` and `file:` secrets become plain settings with the resolved value; `azure-kv:`
// secrets become Key Vault references (`@Microsoft.KeyVault(SecretUri=...)`), which App Service
// resolves with the site's managed identity, so their values never pass through apiship.
//
// Beside the values, APISHIP_SECRET_HASHES holds each secret's fingerprint (the engine's keyed
// hash, never the value), written in the same call as the values. read() takes the fingerprints
// from there, not from the state apiship recorded: an apply that set the values but was never
// recorded (it failed later, or the run died) is then seen as done, and a retry does not send
// the site again. App settings rather than tags, because a slot swap moves them with the values.

import { resolvedSecrets } from "../_shared/plan.js";
import { ProviderError } from "../../src/errors.js";
import { decodeFingerprints, encodeFingerprints } from "../_shared/fingerprints.js";

/** The app setting with the fingerprints of the secret values beside it (JSON name → hash). */
export const SECRET_HASHES_SETTING = "APISHIP_SECRET_HASHES";
/** Settings apiship sets itself, never reported as the user's env. */
export const RESERVED = new Set(["WEBSITES_PORT", SECRET_HASHES_SETTING]);
const KV_REF = /^@Microsoft\.KeyVault\(SecretUri=(.+)\)$/;

export interface SettingSplit {
  env: Record<string, string>;
  secrets: Record<string, string>;
  keyVault: Record<string, string>;
  port?: number;
}

/** The Key Vault DNS suffix of the cloud an ARM endpoint belongs to. */
export function vaultSuffix(armEndpoint: string): string {
  if (/usgovcloudapi\.net/.test(armEndpoint)) return "vault.usgovcloudapi.net";
  if (/chinacloudapi\.cn/.test(armEndpoint)) return "vault.azure.cn";
  return "vault.azure.net";
}

/** `azure-kv:VAULT/SECRET[/VERSION]` → its SecretUri. */
export function secretUri(ref: string, armEndpoint: string): string {
  const [vault = "", secret = "", version] = ref.slice("azure-kv:".length).split("/");
  const base = `https://${vault}.${vaultSuffix(armEndpoint)}/secrets/${secret}`;
  return version ? `${base}/${version}` : base;
}

/** Splits the manifest's secrets into local ones (values from the engine) and Key Vault ones. */
export function splitSecrets(
  secrets: Record<string, string>,
  armEndpoint: string,
  platform: string,
): { local: string[]; keyVault: Record<string, string> } {
  const local: string[] = [];
  const keyVault: Record<string, string> = {};
  for (const name of Object.keys(secrets).sort()) {
    const ref = secrets[name] ?? "";
    if (ref.startsWith("env:") || ref.startsWith("file:")) local.push(name);
    else if (ref.startsWith("azure-kv:")) keyVault[name] = secretUri(ref, armEndpoint);
    else {
      const scheme = ref.slice(0, Math.max(0, ref.indexOf(":")));
      throw new ProviderError(`secret ${name} refers to ${scheme}:, which ${platform} cannot read`, {
        code: "SECRET_SCHEME_UNSUPPORTED",
        fault: "user",
        hint: "on Azure use azure-kv:VAULT/SECRET (a Key Vault reference) or an env: or file: reference",
      });
    }
  }
  return { local, keyVault };
}

/** The full app settings of a release; secret values come from the engine's resolved set. */
export function appSettings(
  want: { env: Record<string, string>; secrets: Record<string, string>; keyVault: Record<string, string> },
  extra: Record<string, string>,
  resolved: Record<string, string>,
  target: string,
): Record<string, string> {
  const values = resolvedSecrets(Object.keys(want.secrets), resolved, target, "the app settings");
  const refs = Object.fromEntries(
    Object.entries(want.keyVault).map(([k, uri]) => [k, `@Microsoft.KeyVault(SecretUri=${uri})`]),
  );
  const hashes: Record<string, string> = {};
  if (Object.keys(want.secrets).length > 0) hashes[SECRET_HASHES_SETTING] = encodeFingerprints(want.secrets);
  return { ...want.env, ...values, ...refs, ...hashes, ...extra };
}

/** The fingerprints the settings hold (APISHIP_SECRET_HASHES); {} when absent or unreadable. */
export function heldHashes(props: Record<string, string>): Record<string, string> {
  return decodeFingerprints(props[SECRET_HASHES_SETTING]);
}

/**
 * The secrets of a release put back on a site, from the settings it holds now (`current`): the
 * values it holds for the names in `recorded` (name → fingerprint), and each one's fingerprint,
 * the one held beside the values, else the recorded one. No value comes from the engine.
 */
export function heldSecrets(
  current: Record<string, string>,
  recorded: Record<string, string>,
): { values: Record<string, string>; hashes: Record<string, string> } {
  const held = heldHashes(current);
  const values: Record<string, string> = {};
  const hashes: Record<string, string> = {};
  for (const [k, hash] of Object.entries(recorded)) {
    if (current[k] !== undefined) values[k] = current[k];
    hashes[k] = held[k] ?? hash;
  }
  return { values, hashes };
}

/**
 * Splits settings read back from ARM. A secret's value never leaves this function: only its
 * fingerprint is kept, the one the settings hold beside it, else (a site written before
 * apiship kept them there) the one recorded when it was applied (`known`), else "".
 */
export function splitSettings(
  props: Record<string, string>,
  secretNames: readonly string[],
  known: Record<string, string>,
  reserved: ReadonlySet<string> = RESERVED,
): SettingSplit {
  const held = heldHashes(props);
  const names = new Set([...secretNames, ...Object.keys(held)]);
  const out: SettingSplit = { env: {}, secrets: {}, keyVault: {} };
  for (const [k, v] of Object.entries(props)) {
    const kv = KV_REF.exec(v);
    if (k === "WEBSITES_PORT") out.port = Number(v);
    else if (reserved.has(k) || k === SECRET_HASHES_SETTING) continue;
    else if (kv?.[1] !== undefined) out.keyVault[k] = kv[1];
    else if (names.has(k)) out.secrets[k] = held[k] ?? known[k] ?? "";
    else out.env[k] = v;
  }
  return out;
}

export function desiredSecretHashes(
  names: readonly string[],
  hashes: Record<string, string>,
  observed: Record<string, string> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  // A name without a hash (offline plan) keeps what was observed.
  for (const n of names) out[n] = hashes[n] ?? observed?.[n] ?? "";
  return out;
}
