// The PURE planner of gcp/cloud-functions: the function (build and service configuration, the
// source by content hash), the traffic of its Run service and the public invoker, and the
// changes from what read() observed. Like Lambda, an unchanged zip is no change.

import type { PlanRequest, PlanResponse, ResourceChange } from "../../src/core/provider.js";
import type { FunctionSpec, TargetSpec } from "../../src/manifest/types.js";
import { codeIdentity } from "../../src/core/provider.js";
import { diffAttributes, joinPath } from "../../src/plan/diff.js";
import { resourceChange } from "../_shared/plan.js";
import { asgiTarget, interfaceOf, languageOf, portableEntry } from "../_shared/portable.js";
import { RUNTIME_ENTRIES } from "../_shared/runtime/entries.js";
import type { RuntimePlatform } from "../_shared/runtime/entries.js";
import { FUNCTIONS_INGRESS, runtimeId } from "./cloud-functions.js";
import type { CloudFunctionsOptions } from "./cloud-functions.js";
import { concurrencyOf, secretRefsOf } from "./run-plan.js";
import { KNOWN_AFTER_APPLY, ownerLabels } from "./run-state.js";
import { LABEL_SOURCE } from "./functions-state.js";
import type { FunctionAttrs, FunctionsState } from "./functions-state.js";

export type FunctionsPlanRequest = PlanRequest<CloudFunctionsOptions, FunctionsState>;
type Attrs = Record<string, unknown>;

export const RESOURCE_TYPES = ["function", "traffic", "invoker"] as const;
type FnResource = (typeof RESOURCE_TYPES)[number];
export const FUNCTION_FORCES_REPLACE = ["project", "region"];

/** The label-sized prefix of an artifact's SHA-256. */
export const sourceLabel = (sha256Hex: string) => sha256Hex.slice(0, 60);

/** Entry points name the exported function; Java's is the fully qualified class. */
export function entryPointOf(runtime: string, handler: string): string {
  return runtime.startsWith("java") ? handler : (handler.split(".").pop() ?? handler);
}

/**
 * Whose runtime entry a portable function gets: Cloud Functions' own, or the one a target that
 * composes this adapter names on the target it hands over (firebase/functions: `runtimeEntry`).
 */
export function entryPlatformOf(t: TargetSpec, fn: FunctionSpec): RuntimePlatform {
  const named = (t as TargetSpec & { runtimeEntry?: RuntimePlatform }).runtimeEntry ?? "gcp/cloud-functions";
  // Firebase's Python functions are Cloud Functions deployed the same way: Cloud Functions' entry.
  const language = languageOf(fn.runtime);
  const has = RUNTIME_ENTRIES.some((e) => e.platform === named && e.language === language);
  return has || language !== "python" ? named : "gcp/cloud-functions";
}

/**
 * What Cloud Functions runs: the handler's export (native), or the generated entry `apiship`
 * around it (portable, providers/_shared/portable.ts) with the variable that names a Python app
 * and the build setting that points the Python buildpack at the entry's file.
 */
export function entryOf(req: Pick<FunctionsPlanRequest, "service" | "target">): {
  entryPoint: string;
  env: Record<string, string>;
  buildEnv: Record<string, string>;
} {
  const fn = req.service.function;
  if (!fn) return { entryPoint: "", env: {}, buildEnv: {} };
  if (interfaceOf(fn) === "native")
    return { entryPoint: entryPointOf(fn.runtime, fn.handler), env: {}, buildEnv: {} };
  const entry = portableEntry(entryPlatformOf(req.target, fn), fn, req.target.name);
  return {
    entryPoint: entry.invoke,
    env: entry.language === "python" ? { APISHIP_APP: asgiTarget(fn.handler) } : {},
    buildEnv: { ...entry.buildEnv },
  };
}

function sourceOf(req: FunctionsPlanRequest): string {
  if (req.artifact) return sourceLabel(codeIdentity(req.artifact));
  // Without a build (offline plan) the code is taken as unchanged.
  return req.observed?.function?.sourceSha256 ?? KNOWN_AFTER_APPLY;
}

export function desiredFunction(req: FunctionsPlanRequest): FunctionAttrs {
  const o = req.target.options;
  const svc = req.service;
  const fn = svc.function;
  const refs = secretRefsOf(svc.secrets, "gcp/cloud-functions");
  const seen = req.observed?.function?.secrets ?? {};
  const secrets: Record<string, string> = {};
  for (const n of Object.keys(svc.secrets).sort())
    if (!(n in refs)) secrets[n] = req.secretHashes[n] ?? seen[n] ?? "";
  const source = sourceOf(req);
  const entry = entryOf(req);
  const refsFull = Object.fromEntries(
    Object.entries(refs).map(([k, v]) => [
      k,
      v.startsWith("projects/") ? v : `projects/${o.project}/secrets/${v}`,
    ]),
  );
  const want: FunctionAttrs = {
    project: o.project,
    region: o.region,
    runtime: fn ? runtimeId(fn.runtime) : "",
    entryPoint: entry.entryPoint,
    sourceSha256: source,
    env: { ...svc.env, ...entry.env },
    secrets,
    secretRefs: refsFull,
    memory: svc.resources.memory,
    cpu: svc.resources.cpu ?? null,
    timeoutSeconds: Math.min(3600, Math.max(1, Math.ceil(svc.timeoutMs / 1000))),
    minInstances: svc.scaling.min,
    maxInstances: svc.scaling.max,
    // Cloud Functions' own default: one request per instance.
    concurrency: concurrencyOf(svc, "gcp/cloud-functions", 1),
    ingress: FUNCTIONS_INGRESS[o.ingress],
    serviceAccount: o.serviceAccount ?? "",
    vpcConnector: o.vpcConnector ?? "",
    labels: { ...ownerLabels(req.stack.id, req.target.name), [LABEL_SOURCE]: source },
  };
  // Only a function that needs build settings has the attribute, so a native one plans as before.
  if (Object.keys(entry.buildEnv).length > 0) want.buildEnv = entry.buildEnv;
  return want;
}

function observedAttrs(s: FunctionsState | undefined, want: FunctionAttrs): Record<FnResource, Attrs | null> {
  const f = s?.function;
  let fn: Attrs | null = null;
  if (f) {
    const { resourceName: _n, state: _s, url: _u, runService: _r, revision: _v, ...attrs } = f;
    // A cpu left to the platform is whatever it sized; only an asked-for one is compared.
    fn = want.cpu === null ? { ...attrs, cpu: null } : attrs;
  }
  return {
    function: fn,
    traffic: f && s?.traffic ? { ...s.traffic } : null,
    invoker: f && s?.invoker ? { ...s.invoker } : null,
  };
}

/** PURE. */
export function planCloudFunctions(req: FunctionsPlanRequest): PlanResponse {
  const want = desiredFunction(req);
  const before = observedAttrs(req.observed, want);
  const after: Record<FnResource, Attrs> = {
    function: want as unknown as Attrs,
    traffic: { latest: true },
    invoker: { public: req.service.access === "public" },
  };
  const secretPaths = Object.keys({ ...(before.function?.secrets as Attrs), ...want.secrets }).map((n) =>
    joinPath("secrets", n),
  );
  const fnDiff = diffAttributes(before.function, after.function, {
    sensitive: secretPaths,
    forcesReplace: FUNCTION_FORCES_REPLACE,
  });
  const changes: ResourceChange[] = [];
  for (const type of RESOURCE_TYPES) {
    const b = before[type];
    const a = after[type];
    const diff = type === "function" ? fnDiff : diffAttributes(b, a);
    const cascade = type !== "function" && fnDiff.action === "replace" && b !== null;
    const name = type === "function" ? req.name : `${req.name}/${type}`;
    const r = { type, name, before: b, after: a, dependsOn: type === "function" ? [] : ["function"] };
    changes.push(resourceChange(r, diff, cascade ? "the function" : undefined));
  }
  return { changes };
}
