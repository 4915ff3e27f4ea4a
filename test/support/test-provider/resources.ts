// The test provider's resource model and its PURE planner: what a target should consist of in
// the fake cloud, derived from the manifest alone, and the changes from what is there now to
// that. No I/O here (DESIGN.md §3): service.ts reads and writes the cloud.

import type { Action, PlanRequest, PlanResponse, ResourceChange } from "../../../src/core/provider.js";
import type { ServiceSpec } from "../../../src/manifest/types.js";
import { diffAttributes, joinPath } from "../../../src/plan/diff.js";

/** In dependency order: each type needs only types before it. */
export const RESOURCE_TYPES = ["bucket", "role", "service", "route"] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const DEPENDS_ON: Readonly<Record<ResourceType, readonly ResourceType[]>> = {
  bucket: [],
  role: [],
  service: ["role", "bucket"],
  route: ["service"],
};

/** Attributes that cannot change in place: the fake cloud, like a real one, pins a region. */
export const FORCES_REPLACE: Readonly<Record<ResourceType, readonly string[]>> = {
  bucket: ["region"],
  role: [],
  service: ["region", "kind"],
  route: [],
};

export interface TestResourceState {
  type: ResourceType;
  name: string;
  attributes: Record<string, unknown>;
  generation: number;
}

/** What the engine records for a test target; plain JSON. */
export interface TestState {
  /** The target's physical base name. */
  name: string;
  resources: Partial<Record<ResourceType, TestResourceState>>;
  endpoint?: string;
  release?: string;
}

/** The planner's view of the target options (service.ts owns the schema). */
export interface PlanOptions {
  region: string;
  endpoint?: string;
}

export function physicalName(base: string, type: ResourceType): string {
  return `${base}-${type}`;
}

/**
 * Where the health check goes when the manifest names no endpoint: loopback, where nothing
 * listens on port 2, so the check fails with ECONNREFUSED (fetch refuses port 9, "discard",
 * outright, which would test nothing).
 */
export function defaultEndpoint(base: string): string {
  return `http://127.0.0.1:2/${base}/`;
}

type Attrs = Record<string, unknown>;

// JSON drops undefined; comparing the cloud's JSON with a desired value that still holds
// undefined would report phantom changes.
function json(v: Attrs): Attrs {
  return JSON.parse(JSON.stringify(v)) as Attrs;
}

function runtimeAttrs(svc: ServiceSpec, codeSha: string | undefined): Attrs {
  if (svc.kind === "function" && svc.function) {
    const { runtime, handler } = svc.function;
    return { runtime, handler, code: codeSha };
  }
  const c = svc.container;
  return { image: c?.image, port: c?.port, command: c?.command, args: c?.args };
}

/**
 * Secret name → fingerprint. A plan made without a fingerprint for a name keeps the one the
 * cloud has, so an offline plan does not report a secret change it cannot know about.
 */
function secretAttrs(req: PlanRequest<PlanOptions, TestState>): Record<string, string> {
  const cloud = req.observed?.resources.service?.attributes.secrets as Record<string, string> | undefined;
  const out: Record<string, string> = {};
  for (const name of Object.keys(req.service.secrets).sort()) {
    out[name] = req.secretHashes[name] ?? cloud?.[name] ?? "";
  }
  return out;
}

/** The attributes each resource should have; a type left out should not exist. */
export function desiredResources(
  req: PlanRequest<PlanOptions, TestState>,
): Partial<Record<ResourceType, Attrs>> {
  const { service: svc, name } = req;
  const { region } = req.target.options;
  const url = req.target.options.endpoint ?? defaultEndpoint(name);
  const secrets = secretAttrs(req);
  const policy = ["logs:write", `storage:read:${physicalName(name, "bucket")}`];
  if (Object.keys(secrets).length > 0) policy.push("secrets:read");
  const out: Partial<Record<ResourceType, Attrs>> = {
    bucket: { region },
    role: { policy },
    service: json({
      region,
      kind: svc.kind,
      ...runtimeAttrs(svc, req.artifact?.sha256),
      memory: svc.resources.memory,
      cpu: svc.resources.cpu,
      env: svc.env,
      secrets,
      scaling: svc.scaling,
      timeoutMs: svc.timeoutMs,
      access: svc.access,
      role: physicalName(name, "role"),
      bucket: physicalName(name, "bucket"),
      url,
    }),
  };
  // A private service has no public route: switching access deletes it.
  if (svc.access === "public") {
    out.route = { access: "public", path: "/", service: physicalName(name, "service"), url };
  }
  return out;
}

function reasonFor(action: Action, changed: string[], replacePaths: string[]): string | undefined {
  switch (action) {
    case "create":
      return "not in the cloud";
    case "delete":
      return "no longer wanted";
    case "replace":
      return `${replacePaths.join(", ")} cannot change in place`;
    case "update":
      return `${changed.join(", ")} changed`;
    default:
      return undefined;
  }
}

/** PURE. Changes in dependency order; types that neither exist nor are wanted are left out. */
export function planChanges(req: PlanRequest<PlanOptions, TestState>): PlanResponse {
  const desired = desiredResources(req);
  const changes: ResourceChange[] = [];
  for (const type of RESOURCE_TYPES) {
    const before = req.observed?.resources[type]?.attributes ?? null;
    const after = desired[type] ?? null;
    if (before === null && after === null) continue;
    const secretNames = Object.keys({ ...(before?.secrets as Attrs), ...(after?.secrets as Attrs) });
    const diff = diffAttributes(before, after, {
      sensitive: type === "service" ? secretNames.map((s) => joinPath("secrets", s)) : [],
      forcesReplace: FORCES_REPLACE[type],
    });
    const change: ResourceChange = {
      type,
      name: physicalName(req.name, type),
      action: diff.action,
      before,
      after,
      sensitivePaths: diff.sensitivePaths,
      replacePaths: diff.replacePaths,
      dependsOn: [...DEPENDS_ON[type]],
    };
    const reason = reasonFor(diff.action, diff.changedPaths, diff.replacePaths);
    if (reason !== undefined) change.reason = reason;
    changes.push(change);
  }
  return { changes };
}
