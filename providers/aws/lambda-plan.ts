// The PURE planner of aws/lambda (DESIGN.md §3): what the target should consist of, derived
// from the manifest alone, and the attribute-level changes from what read() observed to that.
// No I/O here; lambda-read.ts observes and lambda-apply.ts acts.

import { asgiTarget, interfaceOf, portableEntry } from "../_shared/portable.js";
import { requireLocalSecrets, resourceChange } from "../_shared/plan.js";
import type { PlanRequest, PlanResponse, ResourceChange } from "../../src/core/provider.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { diffAttributes, joinPath } from "../../src/plan/diff.js";
import { base64Sha256 } from "../_shared/artifact.js";
import type { LambdaOptions } from "./lambda.js";
import { runtimeId } from "./lambda-runtimes.js";
import {
  ALIAS,
  KNOWN_AFTER_APPLY,
  TAG_MANAGED,
  ownerTags,
  roleNameFor,
  rolePolicies,
} from "./lambda-state.js";
import type { FunctionAttrs, LambdaState } from "./lambda-state.js";

export type LambdaPlanRequest = PlanRequest<LambdaOptions, LambdaState>;
type Attrs = Record<string, unknown>;

export const RESOURCE_TYPES = ["role", "function", "alias", "url", "concurrency"] as const;
export type LambdaResource = (typeof RESOURCE_TYPES)[number];

/** Attributes that cannot change in place: a function lives in one region, and apiship pins its architecture. */
export const FUNCTION_FORCES_REPLACE = ["region", "architecture"];

/** The role's name in an ARN (arn:aws:iam::123456789012:role/path/name → name). */
export function roleNameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

export function timeoutSeconds(svc: ServiceSpec): number {
  return Math.min(900, Math.max(1, Math.ceil(svc.timeoutMs / 1000)));
}

/** Desired secret fingerprints; a name without one (offline plan) keeps what was observed. */
function desiredSecrets(req: LambdaPlanRequest): Record<string, string> {
  const seen = req.observed?.function?.secrets ?? {};
  const out: Record<string, string> = {};
  for (const name of Object.keys(req.service.secrets).sort()) {
    out[name] = req.secretHashes[name] ?? seen[name] ?? "";
  }
  return out;
}

function codeShaOf(req: LambdaPlanRequest): string {
  if (req.artifact) return base64Sha256(req.artifact.sha256);
  // Without a build (offline plan) the code is taken as unchanged.
  return req.observed?.function?.codeSha256 ?? KNOWN_AFTER_APPLY;
}

/**
 * What Lambda runs: the handler as given (native), or the generated entry around it (portable,
 * providers/_shared/portable.ts), with the variable that names a Python app.
 */
function entryOf(req: LambdaPlanRequest): { handler: string; env: Record<string, string> } {
  const fn = req.service.function;
  if (!fn || interfaceOf(fn) === "native") return { handler: fn?.handler ?? "", env: {} };
  const entry = portableEntry("aws/lambda", fn, req.target.name);
  return {
    handler: entry.invoke,
    env: entry.language === "python" ? { APISHIP_APP: asgiTarget(fn.handler) } : {},
  };
}

/** The function's wanted configuration. */
export function desiredFunction(req: LambdaPlanRequest): FunctionAttrs {
  const o = req.target.options;
  const svc = req.service;
  const fn = svc.function;
  const entry = entryOf(req);
  return {
    region: o.region,
    architecture: o.architecture,
    runtime: fn ? runtimeId(fn.runtime) : "",
    handler: entry.handler,
    memory: svc.resources.memory,
    timeout: timeoutSeconds(svc),
    ephemeralStorage: o.ephemeralStorage,
    env: { ...svc.env, ...entry.env },
    secrets: desiredSecrets(req),
    layers: [...(o.layers ?? [])],
    vpc: o.vpc
      ? { subnetIds: [...o.vpc.subnetIds].sort(), securityGroupIds: [...o.vpc.securityGroupIds].sort() }
      : null,
    role: o.role ? roleNameOfArn(o.role) : roleNameFor(req.name),
    codeSha256: codeShaOf(req),
    tags: ownerTags(req.stack.id, req.target.name),
  };
}

export function desiredRole(req: LambdaPlanRequest): Attrs | null {
  if (req.target.options.role) return null;
  const o = req.target.options;
  return {
    name: roleNameFor(req.name),
    policies: rolePolicies(o.region, o.vpc !== undefined),
    tags: { ...ownerTags(req.stack.id, req.target.name), [TAG_MANAGED]: "true" },
  };
}

function observedAttrs(s: LambdaState | undefined): Record<LambdaResource, Attrs | null> {
  const f = s?.function;
  const fnAttrs: Attrs | null = f
    ? Object.fromEntries(Object.entries(f).filter(([k]) => !["arn", "state", "lastUpdateStatus"].includes(k)))
    : null;
  return {
    role: s?.role?.managed ? { name: s.role.name, policies: s.role.policies, tags: s.role.tags } : null,
    function: fnAttrs,
    alias: s?.alias ? { name: s.alias.name, functionVersion: s.alias.functionVersion } : null,
    url: s?.url ? { qualifier: ALIAS, authType: s.url.authType, publicInvoke: s.url.publicInvoke } : null,
    concurrency: s?.concurrency ? { ...s.concurrency } : null,
  };
}

function desiredAttrs(req: LambdaPlanRequest, fnChanges: boolean): Record<LambdaResource, Attrs | null> {
  const svc = req.service;
  const liveVersion = req.observed?.alias?.functionVersion;
  const isPublic = svc.access === "public";
  return {
    role: desiredRole(req),
    function: desiredFunction(req) as unknown as Attrs,
    // A changed function is published as a new version, whose number Lambda assigns.
    alias: { name: ALIAS, functionVersion: fnChanges || !liveVersion ? KNOWN_AFTER_APPLY : liveVersion },
    url: { qualifier: ALIAS, authType: isPublic ? "NONE" : "AWS_IAM", publicInvoke: isPublic },
    concurrency: { provisioned: svc.scaling.min, reserved: svc.scaling.max },
  };
}

const DEPENDS_ON: Record<LambdaResource, LambdaResource[]> = {
  role: [],
  function: ["role"],
  alias: ["function"],
  url: ["alias"],
  concurrency: ["alias"],
};

function physical(req: LambdaPlanRequest, type: LambdaResource): string {
  if (type === "role") return roleNameFor(req.name);
  if (type === "function") return req.name;
  return `${req.name}:${ALIAS}`;
}

/** PURE. Changes in dependency order; resources neither present nor wanted are left out. */
export function planLambda(req: LambdaPlanRequest): PlanResponse {
  requireLocalSecrets(req.service.secrets, "aws/lambda");
  const before = observedAttrs(req.observed);
  const fnDiff = diffAttributes(before.function, desiredFunction(req) as unknown as Attrs, {
    forcesReplace: FUNCTION_FORCES_REPLACE,
  });
  const after = desiredAttrs(req, fnDiff.action !== "no-op");
  const changes: ResourceChange[] = [];
  for (const type of RESOURCE_TYPES) {
    const b = before[type];
    const a = after[type];
    if (b === null && a === null) continue;
    const secretNames = Object.keys({ ...(b?.secrets as Attrs), ...(a?.secrets as Attrs) });
    const diff = diffAttributes(b, a, {
      sensitive: type === "function" ? secretNames.map((s) => joinPath("secrets", s)) : [],
      forcesReplace: type === "function" ? FUNCTION_FORCES_REPLACE : [],
    });
    // What hangs off a replaced function goes and comes back with it.
    const withFunction = type !== "role" && type !== "function" && fnDiff.action === "replace" && b !== null;
    const dependsOn = DEPENDS_ON[type].filter((d) => d !== "role" || after.role !== null);
    changes.push(
      resourceChange(
        { type, name: physical(req, type), before: b, after: a, dependsOn },
        diff,
        withFunction ? "the function" : undefined,
      ),
    );
  }
  return { changes };
}
