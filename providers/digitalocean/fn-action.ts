// The web action of digitalocean/functions on the namespace's API host (OpenWhisk's actions
// API): the body apiship PUTs, and the attributes read back from one. What OpenWhisk does not
// keep in a comparable form (the zip's hash, the secrets' keyed hashes) rides in annotations.

import type { NamespaceInfo, WhiskAction, WhiskKeyValue } from "./types.js";
import type { ActionAttrs } from "./fn-plan.js";

export const CODE_ANNOTATION = "apiship-code-sha256";
export const SECRETS_ANNOTATION = "apiship-secrets";
/** The previous package, kept beside the action (not web-exported) for rollback. */
export const previousName = (name: string) => `${name}--previous`;

export function webUrl(ns: Pick<NamespaceInfo, "api_host" | "namespace">, name: string): string {
  return `${ns.api_host.replace(/\/+$/, "")}/api/v1/web/${ns.namespace}/default/${name}`;
}

export function actionBody(
  ns: NamespaceInfo,
  name: string,
  a: ActionAttrs,
  zipBase64: string,
  secretValues: Record<string, string>,
): WhiskAction {
  const parameters: WhiskKeyValue[] = [
    ...Object.entries(a.env).map(([key, value]) => ({ key, value, init: true })),
    ...Object.keys(a.secrets).map((key) => ({ key, value: secretValues[key] ?? "", init: true })),
  ];
  return {
    namespace: ns.namespace,
    name,
    exec: { kind: a.runtime, code: zipBase64, binary: true, main: a.main },
    annotations: [
      { key: "web-export", value: a.web },
      { key: "raw-http", value: a.raw === true },
      { key: "final", value: true },
      { key: CODE_ANNOTATION, value: a.codeSha256 },
      { key: SECRETS_ANNOTATION, value: JSON.stringify(a.secrets) },
    ],
    parameters,
    limits: { memory: a.memory, timeout: a.timeoutMs },
  };
}

const annotation = (w: WhiskAction, key: string) => w.annotations?.find((k) => k.key === key)?.value;

function parseSecrets(v: unknown): Record<string, string> {
  if (typeof v !== "string") return {};
  try {
    const o = JSON.parse(v) as unknown;
    return typeof o === "object" && o !== null ? (o as Record<string, string>) : {};
  } catch {
    return { "(unreadable)": v };
  }
}

/** The attributes of a live action; parameter values of secrets are never read into them. */
export function actionAttrs(w: WhiskAction): ActionAttrs & { version?: string } {
  const secrets = parseSecrets(annotation(w, SECRETS_ANNOTATION));
  const env: Record<string, string> = {};
  for (const p of w.parameters ?? []) if (!(p.key in secrets)) env[p.key] = String(p.value);
  const sorted = (o: Record<string, string>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  const code = annotation(w, CODE_ANNOTATION);
  const out: ActionAttrs & { version?: string } = {
    runtime: w.exec.kind,
    main: w.exec.main ?? "main",
    memory: w.limits?.memory ?? 256,
    timeoutMs: w.limits?.timeout ?? 60_000,
    codeSha256: typeof code === "string" ? code : "(unknown)",
    web: annotation(w, "web-export") === true,
    env: sorted(env),
    secrets: sorted(secrets),
  };
  if (annotation(w, "raw-http") === true) out.raw = true;
  if (w.version) out.version = w.version;
  return out;
}

/** The same action under another name, not web-exported: the kept previous package. */
export function asPrevious(w: WhiskAction, ns: NamespaceInfo, name: string): WhiskAction {
  return {
    namespace: ns.namespace,
    name: previousName(name),
    exec: w.exec,
    annotations: (w.annotations ?? []).map((k) =>
      k.key === "web-export" ? { key: k.key, value: false } : k,
    ),
    parameters: w.parameters ?? [],
    ...(w.limits ? { limits: w.limits } : {}),
  };
}

/** The kept package put back as the live web action. */
export function fromPrevious(w: WhiskAction, ns: NamespaceInfo, name: string): WhiskAction {
  return {
    namespace: ns.namespace,
    name,
    exec: w.exec,
    annotations: (w.annotations ?? []).map((k) => (k.key === "web-export" ? { key: k.key, value: true } : k)),
    parameters: w.parameters ?? [],
    ...(w.limits ? { limits: w.limits } : {}),
  };
}
