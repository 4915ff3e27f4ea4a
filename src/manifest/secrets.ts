// Secret references (DESIGN.md §2). A manifest names where a secret lives, never its value;
// the value is fetched only while applying. Here references are checked for form alone: no
// reference is resolved at load, so `validate` and an offline `plan` need no credentials.

import { didYouMean } from "./issues.js";

export const SECRET_SCHEMES = ["env", "file", "aws-sm", "gcp-sm", "azure-kv"] as const;
export type SecretScheme = (typeof SECRET_SCHEMES)[number];

export interface SecretRef {
  scheme: SecretScheme;
  /** The secret's id within its store: variable name, path, secret name or ARN, ... */
  id: string;
  /** Version or stage, when the reference pins one. */
  version?: string;
  /** Key inside a JSON secret (aws-sm `#key`). */
  key?: string;
}

export type SecretRefResult =
  | ({ ok: true } & SecretRef)
  | { ok: false; code: "secret-scheme" | "secret-ref"; scheme?: string; message: string; hint: string };

const FORMS: Record<SecretScheme, string> = {
  env: "env:VARIABLE_NAME",
  file: "file:./path/to/secret",
  "aws-sm":
    "aws-sm:prod/db-url, aws-sm:arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME, optionally #jsonKey",
  "gcp-sm": "gcp-sm:projects/PROJECT/secrets/SECRET[/versions/VERSION] or gcp-sm:SECRET[@VERSION]",
  "azure-kv": "azure-kv:VAULT/SECRET[/VERSION]",
};

type Parser = (body: string) => Omit<SecretRef, "scheme"> | string;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const AWS_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const AWS_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const GCP_ID = /^[A-Za-z0-9_-]{1,255}$/;
const GCP_FULL = /^projects\/([a-z0-9-]+|\d+)\/secrets\/([A-Za-z0-9_-]{1,255})(?:\/versions\/(latest|\d+))?$/;
const GCP_VERSION = /^(latest|\d+)$/;
const AZ_VAULT = /^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/;
const AZ_SECRET = /^[A-Za-z0-9-]{1,127}$/;
const AZ_VERSION = /^[0-9a-fA-F]{32}$/;

const PARSERS: Record<SecretScheme, Parser> = {
  env: (body) => (ENV_NAME.test(body) ? { id: body } : "expected an environment variable name"),
  file: (body) => (body.length > 0 && !body.includes("\0") ? { id: body } : "the path is empty"),
  "aws-sm": (body) => {
    const hash = body.indexOf("#");
    const id = hash === -1 ? body : body.slice(0, hash);
    const key = hash === -1 ? undefined : body.slice(hash + 1);
    if (key !== undefined && key.length === 0) return "the #key is empty";
    if (id.startsWith("arn:")) return AWS_ARN.test(id) ? withKey(id, key) : "expected a Secrets Manager ARN";
    return AWS_NAME.test(id) ? withKey(id, key) : "expected a Secrets Manager secret name";
  },
  "gcp-sm": (body) => {
    const full = GCP_FULL.exec(body);
    if (full)
      return full[3] === undefined
        ? { id: body }
        : { id: body.replace(/\/versions\/[^/]+$/, ""), version: full[3] };
    if (body.startsWith("projects/")) return "expected projects/PROJECT/secrets/SECRET[/versions/VERSION]";
    const [id = "", version, ...rest] = body.split("@");
    if (rest.length > 0 || !GCP_ID.test(id)) return "expected a Secret Manager secret id";
    if (version === undefined) return { id };
    return GCP_VERSION.test(version) ? { id, version } : 'the version is neither "latest" nor a number';
  },
  "azure-kv": (body) => {
    const [vault = "", secret = "", version, ...rest] = body.split("/");
    if (rest.length > 0 || !AZ_VAULT.test(vault) || !AZ_SECRET.test(secret))
      return "expected VAULT/SECRET[/VERSION]";
    if (version === undefined) return { id: `${vault}/${secret}` };
    return AZ_VERSION.test(version)
      ? { id: `${vault}/${secret}`, version }
      : "the version is not a 32-digit hex id";
  },
};

function withKey(id: string, key: string | undefined): Omit<SecretRef, "scheme"> {
  return key === undefined ? { id } : { id, key };
}

function isScheme(s: string): s is SecretScheme {
  return (SECRET_SCHEMES as readonly string[]).includes(s);
}

/**
 * Checks a reference's form and splits it. Never throws and never resolves anything; a bad
 * reference comes back with a message and a hint fit for a Diagnostic. Messages are predicates
 * that follow the place ("service.secrets.DB_URL has an unknown scheme ...") and never repeat the
 * reference, since a user who pasted a value by mistake must not see it printed.
 */
export function parseSecretRef(ref: string): SecretRefResult {
  const colon = ref.indexOf(":");
  const scheme = colon === -1 ? "" : ref.slice(0, colon);
  if (!isScheme(scheme)) {
    // Only a short lowercase word is echoed back: anything else may be a pasted value.
    const named = /^[a-z][a-z0-9-]{0,15}$/.test(scheme);
    return {
      ok: false,
      code: "secret-scheme",
      ...(named ? { scheme } : {}),
      message: named
        ? `has an unknown scheme "${scheme}"${didYouMean(scheme, SECRET_SCHEMES)}`
        : "is not a secret reference",
      hint: `a secret is a reference SCHEME:ID with a scheme of ${SECRET_SCHEMES.join(", ")}, e.g. "env:DB_URL" or "aws-sm:prod/db-url"; keep the value itself in that store, not in the manifest`,
    };
  }
  const parsed = PARSERS[scheme](ref.slice(colon + 1));
  if (typeof parsed === "string") {
    return {
      ok: false,
      code: "secret-ref",
      scheme,
      message: `is not a valid ${scheme} reference: ${parsed}`,
      hint: `write it as ${FORMS[scheme]}`,
    };
  }
  return { ok: true, scheme, ...parsed };
}

interface CredentialPattern {
  kind: string;
  re: RegExp;
}

const CREDENTIAL_PATTERNS: readonly CredentialPattern[] = [
  { kind: "AWS access key id", re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: "private key", re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { kind: "GitHub token", re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}/ },
  { kind: "Stripe secret key", re: /\b(?:sk|rk)_live_[A-Za-z0-9]{10,}/ },
  { kind: "Slack token", re: /\bxox[baprs]-[A-Za-z0-9-]{10,}/ },
];

/**
 * The kind of credential a plain value looks like ("AWS access key id"), or undefined. Used to
 * warn about secrets pasted into `env`; the caller names the variable, never the value.
 */
export function findCredentialLike(value: string): string | undefined {
  return CREDENTIAL_PATTERNS.find((p) => p.re.test(value))?.kind;
}
