// State and the PURE planner of digitalocean/functions: the namespace (label, region) and the
// web action in it (runtime, entry point, limits, code hash, environment). A region change
// recreates the namespace, and the action with it; anything else updates the action in place.

import type { PlanRequest, PlanResponse, ResourceChange } from "../../src/core/provider.js";
import type { FunctionSpec, ServiceSpec } from "../../src/manifest/types.js";
import { diffAttributes, joinPath } from "../../src/plan/diff.js";
import { changeReason, requireLocalSecrets } from "../_shared/plan.js";
import { interfaceOf, portableEntry } from "../_shared/portable.js";
import { configError } from "./errors.js";

export const KNOWN_AFTER_APPLY = "(known after apply)";

export interface FnOptions {
  region: string;
  namespace?: string;
  endpoint?: string;
}

export interface NamespaceAttrs {
  label: string;
  region: string;
}

export interface ActionAttrs {
  runtime: string;
  main: string;
  memory: number;
  timeoutMs: number;
  /** SHA-256 (hex) of the deterministic zip. */
  codeSha256: string;
  web: boolean;
  /**
   * Raw HTTP web action (`web: raw`, annotation `raw-http: true`): what a portable function's
   * entry takes. Set only when true, so a native action plans as before.
   */
  raw?: boolean;
  env: Record<string, string>;
  /** Secret name → keyed hash (kept in an annotation; values are init parameters). */
  secrets: Record<string, string>;
}

export interface FnState {
  name: string;
  /**
   * No key here: the namespace's access key is a credential, fetched again when needed. `id` is
   * its uuid; `namespace` its "fn-<uuid>" id, the one the API's namespace paths take.
   */
  namespace?: { id: string; namespace: string; apiHost: string; created: boolean } & NamespaceAttrs;
  action?: ActionAttrs & { version?: string };
  url?: string;
  /** What the previous-package action (`<name>--previous`) holds: what rollback() redeploys. */
  previousCodeSha256?: string;
}

export type FnPlanRequest = PlanRequest<FnOptions, FnState>;

/** The handler's function name: "index.handler" → "handler" (the file is the zip's entry point). */
export function mainOf(handler: string): string {
  const dot = handler.lastIndexOf(".");
  return dot >= 0 ? handler.slice(dot + 1) : handler;
}

/**
 * What the action runs: the handler's function (native; the file is the zip's entry point), or
 * the generated entry's `main` in `index.js`, a raw HTTP web action (portable,
 * providers/_shared/portable.ts).
 */
export function entryOf(fn: FunctionSpec, target: string): { main: string; raw: boolean } {
  if (interfaceOf(fn) === "native") return { main: mainOf(fn.handler), raw: false };
  return { main: portableEntry("digitalocean/functions", fn, target).invoke, raw: true };
}

export function desiredAction(
  svc: ServiceSpec,
  kind: string,
  codeSha256: string,
  hashes: Record<string, string>,
  target = "",
): ActionAttrs {
  if (svc.kind !== "function" || !svc.function)
    throw configError(
      "digitalocean/functions deploys functions; the service has no `function`",
      "use `service.function: { runtime, handler, source }`, or digitalocean/app-platform for a container",
    );
  if (svc.access === "private")
    throw configError(
      "a DigitalOcean web action is public; `access: private` is not supported here",
      "use `access: public` (and check a token in the function), or a non-web action outside apiship",
    );
  const secrets: Record<string, string> = {};
  for (const n of Object.keys(svc.secrets).sort()) secrets[n] = hashes[n] ?? "";
  const entry = entryOf(svc.function, target);
  const want: ActionAttrs = {
    runtime: kind,
    main: entry.main,
    memory: Math.min(1024, Math.max(128, svc.resources.memory)),
    timeoutMs: Math.min(900_000, Math.max(100, svc.timeoutMs)),
    codeSha256,
    web: true,
    env: Object.fromEntries(Object.entries(svc.env).sort(([a], [b]) => a.localeCompare(b))),
    secrets,
  };
  if (entry.raw) want.raw = true;
  return want;
}

function hashesOf(req: FnPlanRequest): Record<string, string> {
  const seen = req.observed?.action?.secrets ?? {};
  const out: Record<string, string> = {};
  for (const n of Object.keys(req.service.secrets)) out[n] = req.secretHashes[n] ?? seen[n] ?? "";
  return out;
}

export function codeShaOf(req: FnPlanRequest): string {
  if (req.artifact) return req.artifact.sha256;
  // Without a build (offline plan) the code is taken as unchanged.
  return req.observed?.action?.codeSha256 ?? KNOWN_AFTER_APPLY;
}

export function desiredFor(req: FnPlanRequest, kind: string): { ns: NamespaceAttrs; action: ActionAttrs } {
  return {
    ns: { label: req.target.options.namespace ?? req.name, region: req.target.options.region },
    action: desiredAction(req.service, kind, codeShaOf(req), hashesOf(req), req.target.name),
  };
}

const strip = (a: FnState["action"]) => {
  if (!a) return null;
  const { version: _v, ...rest } = a;
  void _v;
  return rest as unknown as Record<string, unknown>;
};

export function planFunctions(req: FnPlanRequest, kind: string): PlanResponse {
  requireLocalSecrets(req.service.secrets, "digitalocean/functions");
  const want = desiredFor(req, kind);
  const nsBefore = req.observed?.namespace
    ? { label: req.observed.namespace.label, region: req.observed.namespace.region }
    : null;
  const nsDiff = diffAttributes(nsBefore, { ...want.ns }, { forcesReplace: ["label", "region"] });
  const before = strip(req.observed?.action);
  const after = want.action as unknown as Record<string, unknown>;
  const sensitive = Object.keys({ ...req.observed?.action?.secrets, ...want.action.secrets }).map((k) =>
    joinPath("secrets", k),
  );
  const aDiff = diffAttributes(before, after, { sensitive });
  const cascade = nsDiff.action === "replace" && aDiff.action !== "create";
  const nsChange: ResourceChange = {
    type: "namespace",
    name: want.ns.label,
    action: nsDiff.action,
    before: nsBefore,
    after: { ...want.ns },
    sensitivePaths: [],
    replacePaths: nsDiff.replacePaths,
    dependsOn: [],
  };
  const action = cascade ? "replace" : aDiff.action;
  const aChange: ResourceChange = {
    type: "action",
    name: req.name,
    action,
    before,
    after,
    sensitivePaths: aDiff.sensitivePaths,
    replacePaths: cascade ? ["namespace"] : aDiff.replacePaths,
    dependsOn: ["namespace"],
  };
  const r1 = changeReason(nsDiff.action, nsDiff.changedPaths, nsDiff.replacePaths);
  if (r1 !== undefined) nsChange.reason = r1;
  const r2 = changeReason(
    action,
    aDiff.changedPaths,
    aDiff.replacePaths,
    cascade ? "the namespace" : undefined,
  );
  if (r2 !== undefined) aChange.reason = r2;
  return { changes: [nsChange, aChange] };
}
