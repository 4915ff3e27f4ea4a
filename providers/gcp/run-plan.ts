// The PURE planner of gcp/cloud-run (DESIGN.md §3): the service, its traffic and its public
// invoker binding as the manifest wants them, and the attribute-level changes from what read()
// observed. No I/O here; run-service.ts observes and run-apply.ts acts.

import type { PlanRequest, PlanResponse, ResourceChange } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { parseSecretRef } from "../../src/manifest/secrets.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { diffAttributes, joinPath } from "../../src/plan/diff.js";
import { resourceChange } from "../_shared/plan.js";
import { RUN_INGRESS } from "./cloud-run.js";
import type { CloudRunOptions } from "./cloud-run.js";
import { ownerLabels } from "./run-state.js";
import type { ProbeAttrs, RunServiceAttrs, RunState } from "./run-state.js";

export type RunPlanRequest = PlanRequest<CloudRunOptions, RunState>;
type Attrs = Record<string, unknown>;

export const RESOURCE_TYPES = ["service", "traffic", "invoker"] as const;
export type RunResource = (typeof RESOURCE_TYPES)[number];
/** A service lives in one project and region: moving it is a new service. */
export const SERVICE_FORCES_REPLACE = ["project", "region"];

function secretError(name: string, why: string, hint: string): ProviderError {
  return new ProviderError(`secret ${name} ${why}`, {
    code: "SECRET_SCHEME_UNSUPPORTED",
    fault: "user",
    hint,
  });
}

/** name → "SECRET@VERSION" of each gcp-sm: secret; a local one (env:, file:) is left out. PURE. */
export function secretRefsOf(secrets: Record<string, string>, platform: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(secrets).sort()) {
    const p = parseSecretRef(secrets[name] ?? "");
    if (!p.ok) throw secretError(name, `is not a valid reference: ${p.message}`, p.hint);
    if (p.scheme === "env" || p.scheme === "file") continue;
    if (p.scheme !== "gcp-sm")
      throw secretError(
        name,
        `refers to ${p.scheme}:, which ${platform} cannot read`,
        "use env:, file: or gcp-sm:",
      );
    out[name] = `${p.id}@${p.version ?? "latest"}`;
  }
  return out;
}

function desiredSecrets(req: RunPlanRequest, refs: Record<string, string>): Record<string, string> {
  const seen = req.observed?.service?.secrets ?? {};
  const out: Record<string, string> = {};
  for (const name of Object.keys(req.service.secrets).sort()) {
    if (!(name in refs)) out[name] = req.secretHashes[name] ?? seen[name] ?? "";
  }
  return out;
}

/**
 * Requests per instance. Cloud Run and Cloud Functions serve one request at a time on less than
 * one vCPU, so there the default is 1 and asking for more is an error at plan time. PURE.
 */
export function concurrencyOf(svc: ServiceSpec, platform: string, fallback: number): number {
  const cpu = svc.resources.cpu;
  const want = svc.scaling.concurrency;
  if (cpu === undefined || cpu >= 1) return want ?? fallback;
  if (want !== undefined && want > 1) {
    throw new ProviderError(
      `${platform}: scaling.concurrency ${want} needs at least 1 vCPU, and resources.cpu is ${cpu}`,
      {
        code: "CONFIG",
        fault: "user",
        hint: "set resources.cpu to 1 or more, or scaling.concurrency to 1",
      },
    );
  }
  return 1;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Startup and liveness probes from `service.health` (Cloud Run: timeout ≤ period ≤ 240 s). */
export function probes(svc: ServiceSpec, port: number): { startup: ProbeAttrs; liveness: ProbeAttrs } {
  const h = svc.health;
  const timeoutSeconds = Math.min(240, seconds(h.timeoutMs));
  const period = Math.min(240, Math.max(timeoutSeconds, seconds(h.intervalMs)));
  return {
    // Up to four minutes to start, as Cloud Run's own default startup probe allows.
    startup: {
      path: h.path,
      port,
      timeoutSeconds,
      periodSeconds: period,
      failureThreshold: Math.max(h.attempts, Math.ceil(240 / period)),
    },
    liveness: {
      path: h.path,
      port,
      timeoutSeconds,
      periodSeconds: Math.min(240, Math.max(timeoutSeconds, 10)),
      failureThreshold: h.attempts,
    },
  };
}

/** The service's wanted attributes. */
export function desiredService(req: RunPlanRequest): RunServiceAttrs {
  const o = req.target.options;
  const svc = req.service;
  const c = svc.container;
  const port = c?.port ?? 8080;
  const refs = secretRefsOf(svc.secrets, "gcp/cloud-run");
  const p = probes(svc, port);
  return {
    project: o.project,
    region: o.region,
    image: c?.image ?? "",
    port,
    command: [...(c?.command ?? [])],
    args: [...(c?.args ?? [])],
    env: { ...svc.env },
    secrets: desiredSecrets(req, refs),
    secretRefs: refs,
    cpu: svc.resources.cpu ?? 1,
    memory: svc.resources.memory,
    cpuIdle: o.cpuIdle,
    startupCpuBoost: o.startupCpuBoost,
    minInstances: svc.scaling.min,
    maxInstances: svc.scaling.max,
    concurrency: concurrencyOf(svc, "gcp/cloud-run", 80),
    timeoutSeconds: Math.min(3600, seconds(svc.timeoutMs)),
    startupProbe: p.startup,
    livenessProbe: p.liveness,
    ingress: RUN_INGRESS[o.ingress],
    serviceAccount: o.serviceAccount ?? "",
    executionEnvironment: o.executionEnvironment
      ? `EXECUTION_ENVIRONMENT_${o.executionEnvironment.toUpperCase()}`
      : "",
    vpcConnector: o.vpcConnector ?? "",
    labels: ownerLabels(req.stack.id, req.target.name),
  };
}

function observedAttrs(s: RunState | undefined): Record<RunResource, Attrs | null> {
  const svc = s?.service;
  let service: Attrs | null = null;
  if (svc) {
    const {
      resourceName: _n,
      uri: _u,
      etag: _e,
      generation: _g,
      revision: _r,
      latestReadyRevision: _l,
      latestCreatedRevision: _c,
      ...attrs
    } = svc;
    service = attrs;
  }
  return {
    service,
    traffic: svc && s?.traffic ? { ...s.traffic } : null,
    invoker: svc && s?.invoker ? { ...s.invoker } : null,
  };
}

const DEPENDS_ON: Record<RunResource, RunResource[]> = {
  service: [],
  traffic: ["service"],
  invoker: ["service"],
};

/** PURE. Changes in dependency order. */
export function planCloudRun(req: RunPlanRequest): PlanResponse {
  const before = observedAttrs(req.observed);
  const wantService = desiredService(req) as unknown as Attrs;
  const after: Record<RunResource, Attrs> = {
    service: wantService,
    traffic: { latest: true },
    invoker: { public: req.service.access === "public" },
  };
  const secretPaths = Object.keys({
    ...(before.service?.secrets as Attrs),
    ...(wantService.secrets as Attrs),
  }).map((n) => joinPath("secrets", n));
  const svcDiff = diffAttributes(before.service, wantService, {
    sensitive: secretPaths,
    forcesReplace: SERVICE_FORCES_REPLACE,
  });
  const changes: ResourceChange[] = [];
  for (const type of RESOURCE_TYPES) {
    const b = before[type];
    const a = after[type];
    const diff = type === "service" ? svcDiff : diffAttributes(b, a);
    const cascade = type !== "service" && svcDiff.action === "replace" && b !== null;
    const name = type === "service" ? req.name : `${req.name}/${type}`;
    const r = { type, name, before: b, after: a, dependsOn: DEPENDS_ON[type] };
    changes.push(resourceChange(r, diff, cascade ? "the service" : undefined));
  }
  return { changes };
}
