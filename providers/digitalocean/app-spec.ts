// PURE pieces of digitalocean/app-platform: the app spec apiship submits for a service built
// from a container image or from git source (#/components/schemas/app_spec), and the attributes
// a plan compares, read the same way from what the manifest wants and from the spec the app
// holds. Secret envs are compared by keyed hash: the app only ever returns their encrypted
// value (EV[...]).

import { interfaceOf } from "../_shared/portable.js";
import { fitAppInstanceSize, isDedicatedSize } from "../../src/core/sizes/digitalocean.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { environmentSlug, gitLocation, locationOf, sourceSpecOf } from "./app-source.js";
import type { GitLocation, GitOption } from "./app-source.js";
import { configError } from "./errors.js";
import type { AppImageSource, AppServiceSpec, AppSpec, AppVariable } from "./types.js";

/** The service component's name inside the app spec. */
export const COMPONENT = "api";

export interface AppOptions {
  region: string;
  instanceSize: string;
  git?: GitOption;
  buildCommand?: string;
  runCommand?: string;
  endpoint?: string;
}

/** A source build: where App Platform fetches it, how it builds it, and which commit. */
export interface AppSourceAttributes extends GitLocation {
  /** source_dir: the folder in the repository ("" for its root). */
  dir: string;
  /** environment_slug: the buildpack. */
  environment: string;
  buildCommand: string | null;
  commit: string;
}

/** The commit a plan deploys and where the source folder sits in the repository. */
export interface SourceCode {
  commit: string;
  dir: string;
}

/** Shown for the commit of a first plan made offline, which reads no work tree. */
export const HEAD_AT_DEPLOY = "(head of the branch at deploy)";

/** What a plan compares; secrets are name → keyed hash. One of image and source is set. */
export interface AppAttributes {
  region: string;
  image?: AppImageSource;
  source?: AppSourceAttributes;
  port: number;
  runCommand: string | null;
  instanceSize: string;
  instanceCount: number | null;
  autoscaling: { min: number; max: number } | null;
  healthPath: string | null;
  env: Record<string, string>;
  secrets: Record<string, string>;
}

/**
 * The target's instance size, or the smallest size of the same family (shared apps-s-*,
 * dedicated apps-d-*) that holds `resources` when the manifest asks for more than it gives
 * (src/core/sizes/digitalocean.ts, the table the cost model prices from too).
 */
export function instanceSizeFor(option: string, res: ServiceSpec["resources"]): string {
  const fit = fitAppInstanceSize(option, res);
  if (fit === undefined)
    throw configError(
      `no App Platform instance size holds ${res.cpu ?? 0} vCPU and ${res.memory} MiB`,
      "lower service.resources, or pick a dedicated size (apps-d-*) with `instanceSize`",
    );
  return fit;
}

/** An image reference → the app spec's image source (DOCR, Docker Hub or GHCR). */
export function imageSource(ref: string): AppImageSource {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  let rest = at >= 0 ? ref.slice(0, at) : ref;
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split("/");
  const host = parts.length > 1 && /[.:]|^localhost$/.test(parts[0] ?? "") ? parts.shift() : undefined;
  const version = digest ? { digest } : { tag: tag ?? "latest" };
  if (host === "registry.digitalocean.com") {
    // DOCR: `registry` must be left empty; the path is <registry>/<repository>.
    return { registry_type: "DOCR", repository: parts.slice(1).join("/"), ...version };
  }
  const kind =
    host === undefined || host === "docker.io" || host === "registry.hub.docker.com"
      ? "DOCKER_HUB"
      : host === "ghcr.io"
        ? "GHCR"
        : undefined;
  if (!kind)
    throw configError(
      `App Platform pulls images from DOCR, Docker Hub or GHCR, not ${host}`,
      "push the image to registry.digitalocean.com, docker.io or ghcr.io",
    );
  const registry = parts.length > 1 ? parts.shift() : "library";
  return { registry_type: kind, registry, repository: parts.join("/"), ...version };
}

function runCommand(svc: ServiceSpec): string | null {
  const words = [...(svc.container?.command ?? []), ...(svc.container?.args ?? [])];
  if (words.length === 0) return null;
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}

// App Platform serves a buildpack's web process on PORT, which it sets to http_port.
const SOURCE_PORT = 8080;

/** Image or source, and the port and run command, of what the manifest wants. */
function codeAttributes(
  svc: ServiceSpec,
  opts: AppOptions,
  code: SourceCode | undefined,
): Pick<AppAttributes, "image" | "source" | "port" | "runCommand"> {
  if (svc.kind === "container" && svc.container) {
    for (const k of ["git", "buildCommand", "runCommand"] as const)
      if (opts[k] !== undefined)
        throw configError(
          `\`${k}\` is for a source build, and this service runs a container image`,
          k === "runCommand" ? "set service.container.command instead" : `remove \`${k}\` from the target`,
        );
    return { image: imageSource(svc.container.image), port: svc.container.port, runCommand: runCommand(svc) };
  }
  if (!opts.git)
    throw configError(
      "App Platform builds source only from a git repository, and the target names none",
      "set the target's `git: { repo, branch }` to the repository holding function.source, or deploy a container image",
    );
  // App Platform builds the repository itself and runs its start command: apiship cannot add
  // a generated entry to a git build without committing it into the user's repository.
  if (svc.function && interfaceOf(svc.function) === "portable")
    throw configError(
      "App Platform builds function.source from git and runs its own start command, so a portable handler gets no generated entry there",
      "set service.function.interface: native and give the source a start command that listens on $PORT (package.json `start`, a Procfile, or the target's `runCommand`), or deploy the handler to digitalocean/functions",
    );
  const source: AppSourceAttributes = {
    ...gitLocation(opts.git),
    dir: code?.dir ?? "",
    environment: environmentSlug(svc.function?.runtime ?? ""),
    buildCommand: opts.buildCommand ?? null,
    commit: code?.commit ?? HEAD_AT_DEPLOY,
  };
  return { source, port: SOURCE_PORT, runCommand: opts.runCommand ?? null };
}

/** What the manifest wants, as plan attributes; `code` is the commit a source build deploys. */
export function desiredAttributes(
  svc: ServiceSpec,
  opts: AppOptions,
  secretHashes: Record<string, string>,
  code?: SourceCode,
): AppAttributes {
  if (svc.access === "private")
    throw configError(
      "App Platform services are public; `access: private` has no App Platform equivalent",
      "use `access: public`, or a digitalocean/droplet target inside a VPC",
    );
  const size = instanceSizeFor(opts.instanceSize, svc.resources);
  const min = Math.max(1, svc.scaling.min);
  // Autoscaling needs a dedicated instance size; a shared size runs a fixed count.
  const auto = svc.scaling.max > min && isDedicatedSize(size);
  const secrets: Record<string, string> = {};
  for (const n of Object.keys(svc.secrets).sort()) secrets[n] = secretHashes[n] ?? "";
  return {
    region: opts.region,
    ...codeAttributes(svc, opts, code),
    instanceSize: size,
    instanceCount: auto ? null : min,
    autoscaling: auto ? { min, max: Math.min(svc.scaling.max, 250) } : null,
    healthPath: svc.health.path,
    env: Object.fromEntries(Object.entries(svc.env).sort(([a], [b]) => a.localeCompare(b))),
    secrets,
  };
}

function envsOf(attrs: AppAttributes, secretValues: Record<string, string>): AppVariable[] {
  const out: AppVariable[] = Object.entries(attrs.env).map(([key, value]) => ({
    key,
    value,
    scope: "RUN_TIME",
    type: "GENERAL",
  }));
  for (const key of Object.keys(attrs.secrets)) {
    const value = secretValues[key];
    if (value !== undefined) out.push({ key, value, scope: "RUN_TIME", type: "SECRET" });
  }
  return out;
}

function sourceFields(src: AppSourceAttributes): Partial<AppServiceSpec> {
  const out: Partial<AppServiceSpec> = { ...sourceSpecOf(src), environment_slug: src.environment };
  if (src.dir !== "") out.source_dir = src.dir;
  if (src.buildCommand !== null) out.build_command = src.buildCommand;
  return out;
}

/**
 * The app spec to submit. `secretValues` holds, per secret, either its new plain value or the
 * encrypted value the app already holds (which App Platform keeps as it is).
 */
export function appSpecFor(
  name: string,
  attrs: AppAttributes,
  secretValues: Record<string, string>,
  timeoutMs: number,
): AppSpec {
  const svc: AppServiceSpec = {
    name: COMPONENT,
    ...(attrs.source ? sourceFields(attrs.source) : { image: attrs.image ?? {} }),
    http_port: attrs.port,
    instance_size_slug: attrs.instanceSize,
    envs: envsOf(attrs, secretValues),
    routes: [{ path: "/" }],
  };
  if (attrs.runCommand !== null) svc.run_command = attrs.runCommand;
  if (attrs.autoscaling)
    svc.autoscaling = {
      min_instance_count: attrs.autoscaling.min,
      max_instance_count: attrs.autoscaling.max,
      metrics: { cpu: { percent: 80 } },
    };
  else svc.instance_count = attrs.instanceCount ?? 1;
  if (attrs.healthPath !== null)
    svc.health_check = {
      http_path: attrs.healthPath,
      timeout_seconds: Math.min(120, Math.max(1, Math.ceil(timeoutMs / 1000))),
    };
  return { name, region: attrs.region, services: [svc] };
}

/**
 * The attributes of a live spec. A secret keeps its recorded hash only while the app still
 * holds the encrypted value apiship recorded for it; otherwise someone changed it.
 */
export function liveAttributes(
  spec: AppSpec,
  recordedHashes: Record<string, string>,
  recordedCiphertexts: Record<string, string>,
  commit?: string,
): AppAttributes | undefined {
  const s = spec.services?.find((c) => c.name === COMPONENT);
  const loc = s && locationOf(s);
  if (!s || (!s.image && !loc)) return undefined;
  const env: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const v of s.envs ?? []) {
    if (v.type === "SECRET") {
      const same = v.value !== undefined && recordedCiphertexts[v.key] === v.value;
      secrets[v.key] = same ? (recordedHashes[v.key] ?? "") : "(changed outside apiship)";
    } else env[v.key] = v.value ?? "";
  }
  const sorted = (o: Record<string, string>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return {
    region: spec.region ?? "",
    ...(loc ? { source: liveSource(s, loc, commit) } : { image: liveImage(s.image ?? {}) }),
    port: s.http_port ?? 8080,
    runCommand: s.run_command ?? null,
    instanceSize: s.instance_size_slug ?? "apps-s-1vcpu-0.5gb",
    instanceCount: s.autoscaling ? null : (s.instance_count ?? 1),
    autoscaling: s.autoscaling
      ? { min: s.autoscaling.min_instance_count ?? 1, max: s.autoscaling.max_instance_count ?? 1 }
      : null,
    healthPath: s.health_check?.http_path ?? null,
    env: sorted(env),
    secrets: sorted(secrets),
  };
}

function liveImage(i: AppImageSource): AppImageSource {
  const image: AppImageSource = {
    registry_type: i.registry_type,
    ...(i.registry !== undefined ? { registry: i.registry } : {}),
    repository: i.repository,
  };
  if (i.digest) image.digest = i.digest;
  else image.tag = i.tag ?? "latest";
  return image;
}

function liveSource(s: AppServiceSpec, loc: GitLocation, commit: string | undefined): AppSourceAttributes {
  return {
    ...loc,
    dir: (s.source_dir ?? "").replace(/^\/+|\/+$/g, ""),
    environment: s.environment_slug ?? "",
    buildCommand: s.build_command ?? null,
    commit: commit ?? "(not built)",
  };
}

/** Secret name → the encrypted value the spec holds. */
export function ciphertextsOf(spec: AppSpec | undefined): Record<string, string> {
  const s = spec?.services?.find((c) => c.name === COMPONENT);
  const out: Record<string, string> = {};
  for (const v of s?.envs ?? []) if (v.type === "SECRET" && v.value !== undefined) out[v.key] = v.value;
  return out;
}
