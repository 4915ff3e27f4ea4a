// Validation beyond shape (DESIGN.md §2): rules that span fields or need a platform's
// descriptor. Every rule reports through `Diagnostics` with the manifest path a user must edit.

import type { Diagnostic } from "../errors.js";
import type { PlatformInfo } from "../core/provider.js";
import { formatDuration, tryParseDuration } from "./durations.js";
import { closest, formatPath, parseWith, toDiagnostics } from "./issues.js";
import { fromOverride, isPlainObject } from "./merge.js";
import type { PathSegment } from "./merge.js";
import { neutralContract, normalizeRuntime, runtimeFamily, suggestRuntime } from "./runtimes.js";
import { normalizeService, resourcesSchema, scalingSchema, serviceSchema } from "./service-schema.js";
import { findCredentialLike, parseSecretRef } from "./secrets.js";
import type { Kind, ServiceSpec } from "./types.js";
import { HOURS_PER_MONTH, meanRate } from "../estimate/month.js";

type Locate = (path: readonly PathSegment[]) => PathSegment[];

/** Every diagnostic of one validation, deduplicated (a base value shared by environments is reported once). */
export class Diagnostics {
  readonly list: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly file: string) {}

  add(d: {
    code: string;
    path: readonly PathSegment[];
    message: string;
    hint: string;
    severity?: "error" | "warning";
  }): void {
    this.push({
      severity: d.severity ?? "error",
      code: d.code,
      path: formatPath(d.path),
      message: d.message,
      hint: d.hint,
      file: this.file,
    });
  }

  zod(issues: Parameters<typeof toDiagnostics>[0], locate: Locate): void {
    for (const d of toDiagnostics(issues, { file: this.file, locate })) this.push(d);
  }

  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === "error");
  }

  private push(d: Diagnostic): void {
    const key = `${d.severity}\u0000${d.code}\u0000${d.path}\u0000${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(d);
  }
}

/** Where a path of the merged service is written: in the environment's override when it set it. */
export function serviceLocator(env?: { name: string; override: unknown }): Locate {
  return (path) =>
    env && fromOverride(env.override, path)
      ? ["environments", env.name, "service", ...path]
      : ["service", ...path];
}

/** Parses and checks one (merged) service; the ServiceSpec when it is valid. */
export function checkService(value: unknown, locate: Locate, out: Diagnostics): ServiceSpec | undefined {
  // The cross-field rules run on their own sections, so they are reported even when another
  // part of the service is invalid.
  const ok = [
    checkKind(value, locate, out),
    checkScaling(value, locate, out),
    checkConflicts(value, locate, out),
    checkInterface(value, locate, out),
    checkTraffic(value, locate, out),
    checkSmoke(value, locate, out),
  ];
  const parsed = parseWith(serviceSchema, value);
  if (!parsed.ok) {
    out.zod(parsed.issues, locate);
    return undefined;
  }
  return ok.every(Boolean) ? normalizeService(parsed.data) : undefined;
}

/** A peak below the mean rate cannot be: the estimates would size for less than the average. */
function checkTraffic(value: unknown, locate: Locate, out: Diagnostics): boolean {
  if (!isPlainObject(value) || !isPlainObject(value.traffic)) return true;
  const { monthlyRequests, peakRps } = value.traffic;
  if (typeof monthlyRequests !== "number" || typeof peakRps !== "number") return true;
  const mean = meanRate(monthlyRequests);
  if (peakRps >= mean) return true;
  out.add({
    code: "traffic-peak-below-mean",
    path: locate(["traffic", "peakRps"]),
    message: `traffic.peakRps (${peakRps}) is below the mean rate of traffic.monthlyRequests (${formatRate(mean)} requests/s over a ${HOURS_PER_MONTH}-hour month)`,
    hint: `set peakRps to the busiest second's rate, at least ${formatRate(mean)}`,
  });
  return false;
}

function formatRate(r: number): string {
  return r >= 100 ? String(Math.ceil(r)) : String(Math.ceil(r * 100) / 100);
}

/** `interface: portable` needs a neutral contract: Go, Java, .NET, Ruby and PHP have none (issue 19). */
function checkInterface(value: unknown, locate: Locate, out: Diagnostics): boolean {
  if (!isPlainObject(value) || !isPlainObject(value.function)) return true;
  const { runtime, interface: chosen } = value.function;
  if (chosen !== "portable" || typeof runtime !== "string" || !runtime) return true;
  if (neutralContract(runtime)) return true;
  const label = runtimeFamily(runtime)?.label ?? normalizeRuntime(runtime);
  out.add({
    code: "portable-unsupported",
    path: locate(["function", "interface"]),
    message: `function.interface is portable, but ${label} (${normalizeRuntime(runtime)}) has no portable interface: only Node.js (a fetch handler) and Python (an ASGI app) do`,
    hint: "remove interface: portable (native is the default for this runtime) and write the handler to each platform's own signature",
  });
  return false;
}

function checkScaling(value: unknown, locate: Locate, out: Diagnostics): boolean {
  if (!isPlainObject(value)) return false;
  const scaling = parseWith(scalingSchema, value.scaling);
  if (!scaling.ok || scaling.data.min <= scaling.data.max) return true;
  out.add({
    code: "scaling-min-max",
    path: locate(["scaling", pickBound(locate)]),
    message: `scaling.min (${scaling.data.min}) is greater than scaling.max (${scaling.data.max})`,
    hint: "raise scaling.max or lower scaling.min",
  });
  return false;
}

/** Smoke tests come from the OpenAPI document: without one there is nothing to call. */
function checkSmoke(value: unknown, locate: Locate, out: Diagnostics): boolean {
  if (!isPlainObject(value) || !isPlainObject(value.health) || value.health.smoke !== "openapi") return true;
  if (typeof value.openapi === "string" && value.openapi) return true;
  out.add({
    code: "smoke-without-openapi",
    path: locate(["health", "smoke"]),
    message: "health.smoke is openapi, but the service has no openapi document",
    hint: "add service.openapi: ./openapi.yaml (OpenAPI 3.0 or 3.1), or remove health.smoke",
  });
  return false;
}

function checkConflicts(value: unknown, locate: Locate, out: Diagnostics): boolean {
  if (!isPlainObject(value) || !isPlainObject(value.env) || !isPlainObject(value.secrets)) return true;
  const both = Object.keys(value.secrets).filter(
    (k) => isPlainObject(value.env) && Object.hasOwn(value.env, k),
  );
  for (const name of both) {
    out.add({
      code: "env-secret-conflict",
      path: locate(["secrets", name]),
      message: `${name} is set both in env and in secrets`,
      hint: `keep ${name} in one of them: secrets for credentials, env for plain settings`,
    });
  }
  return both.length === 0;
}

/** Point at the bound the user wrote: an override that set only max is where to look. */
function pickBound(locate: Locate): "min" | "max" {
  const inOverride = (k: string) => locate(["scaling", k])[0] === "environments";
  return inOverride("max") && !inOverride("min") ? "max" : "min";
}

function checkKind(value: unknown, locate: Locate, out: Diagnostics): boolean {
  if (!isPlainObject(value)) return false;
  const has = (k: Kind) => value[k] !== undefined;
  if (has("function") && has("container")) {
    const fromEnv = locate(["container"])[0] === "environments" ? "container" : "function";
    out.add({
      code: "service-kind",
      path: locate([fromEnv]),
      message: "service has both function and container",
      hint: "keep exactly one: function (runtime, handler, source) or container (image, port); an environment can drop the base one with `function: null`",
    });
    return false;
  }
  if (!has("function") && !has("container")) {
    out.add({
      code: "service-kind",
      path: locate([]),
      message: "service needs exactly one of function or container",
      hint: 'add container: { image: "ghcr.io/acme/api:1.0", port: 8080 } or function: { runtime: nodejs20, handler: index.handler }',
    });
    return false;
  }
  return true;
}

/** Warns about credentials in env values and checks secret references, in one raw service or override. */
export function scanValues(section: unknown, prefix: readonly PathSegment[], out: Diagnostics): void {
  if (!isPlainObject(section)) return;
  const { env, secrets } = section;
  if (isPlainObject(env)) {
    for (const [name, value] of Object.entries(env)) {
      const kind = typeof value === "string" ? findCredentialLike(value) : undefined;
      if (kind === undefined) continue;
      out.add({
        severity: "warning",
        code: "credential-in-env",
        path: [...prefix, "env", name],
        message: `env ${name} looks like a credential (${kind}) in plain text`,
        hint: `move it to secrets, e.g. secrets: { ${name}: "env:${name}" } or "aws-sm:...", and rotate it if this file was shared`,
      });
    }
  }
  if (isPlainObject(secrets)) {
    for (const [name, ref] of Object.entries(secrets)) {
      if (typeof ref !== "string") continue; // the schema reports the type
      const r = parseSecretRef(ref);
      if (r.ok) continue;
      const path = [...prefix, "secrets", name];
      out.add({ code: r.code, path, message: `${formatPath(path)} ${r.message}`, hint: r.hint });
    }
  }
}

export interface FitContext {
  target: string;
  platform: PlatformInfo;
  /** Platforms (provider/platform) that take each kind, for the kind-mismatch hint. */
  kindsIndex: () => Promise<Record<Kind, string[]>>;
  locate: Locate;
}

/** What the fit checks need, read section by section so one bad field does not hide the rest. */
export interface ServiceFacts {
  kind?: Kind;
  runtime?: string;
  memory?: number;
  cpu?: number;
  timeoutMs?: number;
  maxInstances?: number;
}

export function serviceFacts(value: unknown): ServiceFacts {
  if (!isPlainObject(value)) return {};
  const facts: ServiceFacts = {};
  const isFunction = value.function !== undefined;
  if (isFunction !== (value.container !== undefined)) facts.kind = isFunction ? "function" : "container";
  const fn = value.function;
  if (isPlainObject(fn) && typeof fn.runtime === "string" && fn.runtime)
    facts.runtime = normalizeRuntime(fn.runtime);
  const resources = parseWith(resourcesSchema, value.resources);
  if (resources.ok) [facts.memory, facts.cpu] = [resources.data.memory, resources.data.cpu];
  const scaling = parseWith(scalingSchema, value.scaling);
  if (scaling.ok) facts.maxInstances = scaling.data.max;
  const timeout = parseWith(serviceSchema.shape.timeout, value.timeout);
  const ms = timeout.ok ? tryParseDuration(timeout.data) : undefined;
  if (ms?.ok) facts.timeoutMs = ms.ms;
  return facts;
}

/**
 * serviceFacts of a service that validated whole (checkService's result), read off the spec
 * instead of parsing three sections again for every environment: the same values, since the
 * spec was parsed from them with the same schemas.
 */
export function specFacts(spec: ServiceSpec): ServiceFacts {
  const facts: ServiceFacts = {
    kind: spec.kind,
    memory: spec.resources.memory,
    cpu: spec.resources.cpu,
    maxInstances: spec.scaling.max,
    timeoutMs: spec.timeoutMs,
  };
  if (spec.function) facts.runtime = spec.function.runtime;
  return facts;
}

/** Checks that a service fits one target's platform: kind, runtime and limits. */
export async function checkFit(svc: ServiceFacts, ctx: FitContext, out: Diagnostics): Promise<void> {
  const { platform: p, target, locate } = ctx;
  const who = `target ${target} (${p.id})`;
  if (svc.kind && !p.kinds.includes(svc.kind)) {
    const fits = (await ctx.kindsIndex())[svc.kind];
    out.add({
      code: "kind-mismatch",
      path: ["targets", target],
      message: `${who} cannot run a ${svc.kind}: it takes ${p.kinds.join(" or ")}`,
      hint:
        fits.length > 0
          ? `platforms that take a ${svc.kind}: ${fits.join(", ")}`
          : `no known platform takes a ${svc.kind}`,
    });
    return;
  }
  if (svc.kind === "function" && svc.runtime && p.runtimes)
    checkRuntime(svc.runtime, p.runtimes, who, locate, out);
  checkRange(out, locate(["resources", "memory"]), svc.memory, p.limits.memory, who, "MiB");
  checkRange(out, locate(["resources", "cpu"]), svc.cpu, p.limits.cpu, who, "vCPU");
  if (p.limits.timeoutMs !== undefined && svc.timeoutMs !== undefined && svc.timeoutMs > p.limits.timeoutMs) {
    out.add({
      code: "timeout-too-long",
      path: locate(["timeout"]),
      message: `timeout ${formatDuration(svc.timeoutMs)} is longer than ${who} allows (${formatDuration(p.limits.timeoutMs)})`,
      hint: `set timeout to "${formatDuration(p.limits.timeoutMs)}" or less`,
    });
  }
  const max = p.limits.maxInstances;
  if (max !== undefined && svc.maxInstances !== undefined && svc.maxInstances > max) {
    out.add({
      code: "scaling-too-many",
      path: locate(["scaling", "max"]),
      message: `scaling.max ${svc.maxInstances} is more instances than ${who} allows (${max})`,
      hint: `set scaling.max to ${max} or less`,
    });
  }
}

function checkRuntime(
  runtime: string,
  accepted: readonly string[],
  who: string,
  locate: Locate,
  out: Diagnostics,
): void {
  const ids = accepted.map(normalizeRuntime);
  if (ids.includes(runtime)) return;
  const suggestion = suggestRuntime(runtime, ids) ?? closest(runtime, ids);
  out.add({
    code: "runtime-unsupported",
    path: locate(["function", "runtime"]),
    message: `runtime "${runtime}" is not run by ${who}${suggestion ? ` (did you mean ${suggestion}?)` : ""}`,
    hint: `${who} runs: ${ids.join(", ")}`,
  });
}

function checkRange(
  out: Diagnostics,
  path: PathSegment[],
  value: number | undefined,
  range: readonly [number, number] | undefined,
  who: string,
  unit: string,
): void {
  if (value === undefined || !range || (value >= range[0] && value <= range[1])) return;
  const field = String(path.at(-1));
  out.add({
    code: `${field}-out-of-range`,
    path,
    message: `${field} ${value} ${unit} is outside what ${who} allows (${range[0]}–${range[1]} ${unit})`,
    hint: `set resources.${field} between ${range[0]} and ${range[1]}, or override it in the environment that uses this target`,
  });
}
