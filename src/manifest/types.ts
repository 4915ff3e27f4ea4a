// The normalized manifest, as the rest of apiship sees it after load.ts has parsed,
// interpolated, overlaid and validated a file. schema.ts must produce exactly these shapes
// (it is checked with `satisfies` there), so the engine never depends on zod.

export type Kind = "function" | "container";
export type Access = "public" | "private";

export interface FunctionSpec {
  /** Neutral runtime id, e.g. "nodejs20", "python3.12"; each platform lists the runtimes it runs. */
  runtime: string;
  /** Entry point, e.g. "index.handler" or "app.handler". */
  handler: string;
  /** Folder with the function's code, relative to the manifest. */
  source: string;
  /**
   * `portable`: the handler is written to its language's neutral contract (a Node.js fetch
   * handler, a Python ASGI app) and each platform gets a generated entry around it;
   * `native`: the handler is the platform's own entry point. Always set by load: when the
   * manifest leaves it out, `portable` for Node.js and Python, `native` for runtimes without a
   * neutral contract (`defaultInterface` in runtimes.ts). Optional only for specs built by hand
   * (tests, plugins), which `functionInterface` defaults the same way.
   */
  interface?: "native" | "portable";
}

export interface ContainerSpec {
  image: string;
  port: number;
  command?: string[];
  args?: string[];
}

export interface ResourcesSpec {
  /** vCPU; fractions allowed (0.25). */
  cpu?: number;
  /** MiB. */
  memory: number;
}

export interface ScalingSpec {
  min: number;
  max: number;
  /** Requests one instance handles at once. */
  concurrency?: number;
}

export interface HealthSpec {
  path: string;
  /** Expected HTTP status. */
  status: number;
  /** Per-attempt timeout in milliseconds. */
  timeoutMs: number;
  attempts: number;
  /** Pause between attempts in milliseconds. */
  intervalMs: number;
  /** `openapi`: after the check passes, smoke-test the release from service.openapi. */
  smoke?: "openapi";
}

/** How `apiship catalog` describes the API (Backstage). */
export interface CatalogSpec {
  owner?: string;
  system?: string;
  lifecycle?: string;
}

/** Expected traffic (the manifest's `service.traffic`), for cost and cold-start estimates. */
export interface TrafficSpec {
  /** Requests a month. */
  monthlyRequests: number;
  /** Mean time one request takes, in milliseconds. */
  meanDurationMs: number;
  /** Requests per second at the busiest moment. */
  peakRps: number;
  /** GB sent to the internet a month. */
  egressGb?: number;
  /** Mean size of a request plus its response, in KB. */
  payloadKb?: number;
}

export interface ServiceSpec {
  kind: Kind;
  function?: FunctionSpec;
  container?: ContainerSpec;
  env: Record<string, string>;
  /** Name → secret reference ("env:NAME", "aws-sm:id", ...). Never a value. */
  secrets: Record<string, string>;
  resources: ResourcesSpec;
  scaling: ScalingSpec;
  health: HealthSpec;
  access: Access;
  /** Request timeout in milliseconds. */
  timeoutMs: number;
  /** Expected traffic; absent means no estimate (never a made-up default). */
  traffic?: TrafficSpec;
  /** The OpenAPI document, as written: relative to the manifest's folder (Stack.baseDir). */
  openapi?: string;
  catalog?: CatalogSpec;
}

/** One deployment target: a provider, one of its platforms, and that platform's own options. */
/**
 * How the health check after a deploy decides: `http` GETs service.health.path on the endpoint,
 * `platform` asks the platform's own readiness signal (the adapter's status()), `none` skips it.
 */
export type HealthProbe = "http" | "platform" | "none";

export interface TargetSpec {
  name: string;
  provider: string;
  platform: string;
  /** The platform's options, validated by its own schema (region, project, namespace, ...). */
  options: Record<string, unknown>;
  /** The target's `health:` block; unset means http, or platform where the endpoint is private. */
  health?: { probe?: HealthProbe };
}

export interface EnvironmentSpec {
  name: string;
  targets: string[];
}

/** A stack is (manifest name, environment): the unit that is planned, locked and deployed. */
export interface Stack {
  /** "<manifest name>/<environment>", e.g. "sentiment-api/production". */
  id: string;
  app: string;
  environment: string;
  service: ServiceSpec;
  targets: TargetSpec[];
  /** Folder of the manifest: relative paths in it (function.source, file: secrets) start here. */
  baseDir?: string;
}

export interface Manifest {
  apiVersion: "apiship/v1";
  name: string;
  file: string;
  /** Extra provider modules (see APISHIP_PLUGINS). */
  plugins: string[];
  defaultEnvironment: string;
  environments: EnvironmentSpec[];
  /** All targets declared, by name. */
  targets: Record<string, TargetSpec>;
  /** One resolved stack per environment loaded (all of them, or the one asked for). */
  stacks: Stack[];
}
