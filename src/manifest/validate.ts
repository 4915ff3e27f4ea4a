// validateDocument: the parsed, interpolated YAML value → a Manifest, or every diagnostic found.
// It reads nothing and resolves no secret; the loader adds file positions to the diagnostics by
// their `path`. Every environment is validated, even when only one is asked for, so a problem is
// found before the day someone deploys that environment.

import { dirname, resolve } from "node:path";
import type { Diagnostic } from "../errors.js";
import type { PlatformInfo } from "../core/provider.js";
import type { Registry } from "../core/registry.js";
import {
  checkFit,
  checkService,
  Diagnostics,
  scanValues,
  serviceFacts,
  serviceLocator,
  specFacts,
} from "./checks.js";
import { didYouMean, parseWith } from "./issues.js";
import { deepMerge, isPlainObject } from "./merge.js";
import type { PathSegment } from "./merge.js";
import {
  DEFAULT_ENVIRONMENT,
  documentSchema,
  targetBaseSchema,
  validationEnvironmentSchema,
} from "./schema.js";
import type { EnvironmentSpec, Kind, Manifest, ServiceSpec, Stack, TargetSpec } from "./types.js";

export interface ValidateOptions {
  file: string;
  /** Only this environment's stack is built (all are still validated). */
  env?: string;
  registry: Registry;
}

export interface ValidateResult {
  /** Set when there is no error (warnings allowed). */
  manifest?: Manifest;
  diagnostics: Diagnostic[];
}

interface ResolvedTarget {
  platform: PlatformInfo;
  /** Absent when the platform's options are invalid; the fit checks still run. */
  spec?: TargetSpec;
}

interface Environment extends EnvironmentSpec {
  override?: Record<string, unknown>;
}

export async function validateDocument(doc: unknown, opts: ValidateOptions): Promise<ValidateResult> {
  const out = new Diagnostics(opts.file);
  if (!isPlainObject(doc)) {
    out.add({
      code: "not-a-mapping",
      path: [],
      message: "the manifest must be a mapping of apiVersion, name, service, targets and environments",
      hint: "start from the example in `apiship init` or the schema printed by `apiship schema`",
    });
    return { diagnostics: out.list };
  }
  const header = parseWith(documentSchema, doc);
  out.zod(header.issues, (p) => [...p]);
  const targets = await resolveTargets(doc.targets, opts.registry, out);
  const environments = readEnvironments(doc.environments, doc.targets, out);
  const defaultEnvironment = pickDefault(doc.defaultEnvironment, environments, out);
  checkRequestedEnv(opts.env, environments, doc.environments !== undefined, out);
  warnUnused(targets, environments, doc.environments !== undefined, out);
  const services = await checkServices(doc.service, environments, targets, opts.registry, out);
  if (out.hasErrors || !header.ok || defaultEnvironment === undefined) return { diagnostics: out.list };

  const specs: Record<string, TargetSpec> = {};
  for (const [name, t] of targets) if (t.spec) specs[name] = t.spec;
  const { apiVersion, name, plugins } = header.data;
  const stacks = environments
    .filter((e) => opts.env === undefined || e.name === opts.env)
    .map((env): Stack => ({
      id: `${name}/${env.name}`,
      app: name,
      environment: env.name,
      service: services.get(env.name) as ServiceSpec,
      targets: env.targets.map((t) => specs[t] as TargetSpec),
      baseDir: dirname(resolve(opts.file)),
    }));
  const environmentSpecs = environments.map((e) => ({ name: e.name, targets: e.targets }));
  const manifest: Manifest = {
    ...{ apiVersion, name, file: opts.file, plugins, defaultEnvironment },
    ...{ environments: environmentSpecs, targets: specs, stacks },
  };
  return { manifest, diagnostics: out.list };
}

/** The base service, then each environment's merged service, each checked against its targets. */
async function checkServices(
  raw: unknown,
  environments: readonly Environment[],
  targets: ReadonlyMap<string, ResolvedTarget>,
  registry: Registry,
  out: Diagnostics,
): Promise<Map<string, ServiceSpec>> {
  scanValues(raw, ["service"], out);
  const base = checkService(raw, serviceLocator(), out);
  const kindsIndex = memo(() => platformsByKind(registry));
  const services = new Map<string, ServiceSpec>();
  for (const env of environments) {
    const where = env.override ? { name: env.name, override: env.override } : undefined;
    const locate = serviceLocator(where);
    const merged = env.override ? deepMerge(raw, env.override) : raw;
    let svc = base;
    if (env.override) {
      scanValues(env.override, ["environments", env.name, "service"], out);
      svc = checkService(merged, locate, out);
    }
    if (svc) services.set(env.name, svc);
    const facts = svc ? specFacts(svc) : serviceFacts(merged);
    for (const t of env.targets) {
      const platform = targets.get(t)?.platform;
      if (platform) await checkFit(facts, { target: t, platform, kindsIndex, locate }, out);
    }
  }
  return services;
}

async function resolveTargets(
  raw: unknown,
  registry: Registry,
  out: Diagnostics,
): Promise<Map<string, ResolvedTarget>> {
  const resolved = new Map<string, ResolvedTarget>();
  if (!isPlainObject(raw)) return resolved;
  if (Object.keys(raw).length === 0) {
    out.add({
      code: "no-targets",
      path: ["targets"],
      message: "targets is empty",
      hint: "declare at least one target, e.g. lambda: { provider: aws, platform: lambda, region: us-east-1 }",
    });
  }
  for (const [name, value] of Object.entries(raw)) {
    const t = await resolveTarget(name, value, registry, out);
    if (t) resolved.set(name, t);
  }
  return resolved;
}

async function resolveTarget(
  name: string,
  value: unknown,
  registry: Registry,
  out: Diagnostics,
): Promise<ResolvedTarget | undefined> {
  const at = (...p: PathSegment[]) => ["targets", name, ...p];
  const base = parseWith(targetBaseSchema, value);
  if (!base.ok) {
    out.zod(base.issues, (p) => at(...p));
    return undefined;
  }
  const { provider, platform: asked, health, ...rest } = base.data;
  if (!registry.has(provider)) {
    out.add({
      code: "unknown-provider",
      path: at("provider"),
      message: `targets.${name}.provider "${provider}" is not a known provider${didYouMean(provider, registry.ids())}`,
      hint: `known providers: ${registry.ids().join(", ")}; other providers are added with plugins:`,
    });
    return undefined;
  }
  const mod = await registry.provider(provider);
  const platforms = Object.keys(mod.targets);
  const platformName = asked ?? mod.defaultPlatform;
  const platform = platformName === undefined ? undefined : mod.targets[platformName];
  if (platformName === undefined || !platform) {
    out.add({
      code: asked === undefined ? "missing-platform" : "unknown-platform",
      path: asked === undefined ? at() : at("platform"),
      message:
        asked === undefined
          ? `targets.${name} needs a platform: ${provider} has several and no default`
          : `targets.${name}.platform "${asked}" is not a platform of ${provider}${didYouMean(asked, platforms)}`,
      hint: `${provider} platforms: ${platforms.join(", ")}`,
    });
    return undefined;
  }
  const options = parseWith(platform.options, rest);
  if (!options.ok) {
    out.zod(options.issues, (p) => at(...p));
    return { platform };
  }
  const spec: TargetSpec = {
    name,
    provider,
    platform: platform.platform,
    options: options.data as Record<string, unknown>,
  };
  if (health?.probe !== undefined) spec.health = { probe: health.probe };
  return { spec, platform };
}

function readEnvironments(raw: unknown, targets: unknown, out: Diagnostics): Environment[] {
  const declared = isPlainObject(targets) ? Object.keys(targets) : [];
  if (raw === undefined) return [{ name: DEFAULT_ENVIRONMENT, targets: declared }];
  if (!isPlainObject(raw)) return [];
  if (Object.keys(raw).length === 0) {
    out.add({
      code: "no-environments",
      path: ["environments"],
      message: "environments is empty",
      hint: `declare at least one, e.g. production: { targets: [${declared[0] ?? "my-target"}] }, or remove environments to deploy every target as "${DEFAULT_ENVIRONMENT}"`,
    });
  }
  const envs: Environment[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const parsed = parseWith(validationEnvironmentSchema, value);
    if (!parsed.ok) {
      out.zod(parsed.issues, (p) => ["environments", name, ...p]);
      continue;
    }
    checkEnvTargets(name, parsed.data.targets, declared, out);
    envs.push({
      name,
      targets: parsed.data.targets,
      ...(parsed.data.service ? { override: parsed.data.service } : {}),
    });
  }
  return envs;
}

function checkEnvTargets(
  env: string,
  listed: readonly string[],
  declared: readonly string[],
  out: Diagnostics,
): void {
  listed.forEach((t, i) => {
    const path = ["environments", env, "targets", i];
    if (!declared.includes(t)) {
      out.add({
        code: "unknown-target",
        path,
        message: `environment ${env} names an unknown target "${t}"${didYouMean(t, declared)}`,
        hint: declared.length > 0 ? `targets declared: ${declared.join(", ")}` : "declare it under targets:",
      });
    } else if (listed.indexOf(t) !== i) {
      out.add({
        code: "duplicate-target",
        path,
        message: `environment ${env} lists target "${t}" twice`,
        hint: "remove the repeated entry",
      });
    }
  });
}

function pickDefault(raw: unknown, envs: readonly Environment[], out: Diagnostics): string | undefined {
  const names = envs.map((e) => e.name);
  if (raw === undefined) return names[0];
  if (typeof raw !== "string") return undefined; // the header schema reports the type
  if (names.includes(raw)) return raw;
  out.add({
    code: "unknown-environment",
    path: ["defaultEnvironment"],
    message: `defaultEnvironment "${raw}" is not a declared environment${didYouMean(raw, names)}`,
    hint: `environments: ${names.join(", ") || "(none)"}`,
  });
  return undefined;
}

function checkRequestedEnv(
  env: string | undefined,
  envs: readonly Environment[],
  declared: boolean,
  out: Diagnostics,
): void {
  const names = envs.map((e) => e.name);
  if (env === undefined || names.includes(env)) return;
  out.add({
    code: "unknown-environment",
    path: declared ? ["environments"] : [],
    message: `environment "${env}" is not declared${didYouMean(env, names)}`,
    hint: `environments: ${names.join(", ") || "(none)"}`,
  });
}

function warnUnused(
  targets: Map<string, ResolvedTarget>,
  envs: readonly Environment[],
  declared: boolean,
  out: Diagnostics,
): void {
  if (!declared) return;
  const used = new Set(envs.flatMap((e) => e.targets));
  for (const name of targets.keys()) {
    if (used.has(name)) continue;
    out.add({
      severity: "warning",
      code: "unused-target",
      path: ["targets", name],
      message: `target ${name} is not used by any environment`,
      hint: "add it to an environment's targets, or remove it",
    });
  }
}

async function platformsByKind(registry: Registry): Promise<Record<Kind, string[]>> {
  const index: Record<Kind, string[]> = { function: [], container: [] };
  for (const mod of await registry.all()) {
    for (const t of Object.values(mod.targets)) for (const k of t.kinds) index[k].push(t.id);
  }
  return index;
}

function memo<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}
