// App settings of a site: the manifest's `env`, its secrets, and the settings apiship itself
// owns. `env:` and `file:` secrets become plain settings with the resolved value; `azure-kv:`
// secrets become Key Vault references (`@Microsoft.KeyVault(SecretUri=...)`), which App Service
// resolves with the site's managed identity, so their values never pass through apiship.

import { resolvedSecrets } from "../_shared/plan.js";
import { ProviderError } from "../../src/errors.js";

/** Settings apiship sets itself, never reported as the user's env. */
export const RESERVED = new Set(["WEBSITES_PORT"]);
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
  return { ...want.env, ...values, ...refs, ...extra };
}

/**
 * Splits settings read back from ARM. A secret's value never leaves this function: only the
 * hash recorded when it was applied (`known`) is kept, "" when the state knows none.
 */
export function splitSettings(
  props: Record<string, string>,
  secretNames: readonly string[],
  known: Record<string, string>,
  reserved: ReadonlySet<string> = RESERVED,
): SettingSplit {
  const out: SettingSplit = { env: {}, secrets: {}, keyVault: {} };
  for (const [k, v] of Object.entries(props)) {
    const kv = KV_REF.exec(v);
    if (k === "WEBSITES_PORT") out.port = Number(v);
    else if (reserved.has(k)) continue;
    else if (kv?.[1] !== undefined) out.keyVault[k] = kv[1];
    else if (secretNames.includes(k)) out.secrets[k] = known[k] ?? "";
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
