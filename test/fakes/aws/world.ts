// The state of the fake AWS account: Lambda functions (with versions, aliases, URLs, policies and
// concurrency), IAM roles, S3 buckets. Plain data the route handlers mutate.

import { randomUUID } from "node:crypto";
import { newContainerWorld } from "./containers-world.js";
import type { ContainerWorld } from "./containers-world.js";

export interface LambdaVersion {
  version: string;
  config: Record<string, unknown>;
  codeSha256: string;
  codeSize: number;
}

export interface LambdaFn {
  name: string;
  arn: string;
  /** The $LATEST configuration members as last sent (Runtime, Handler, MemorySize, ...). */
  config: Record<string, unknown>;
  codeSha256: string;
  codeSize: number;
  tags: Record<string, string>;
  versions: LambdaVersion[];
  aliases: Map<string, { version: string; revision: string }>;
  /** Qualifier → Function URL config. */
  urls: Map<string, { url: string; authType: string; created: string }>;
  /** Qualifier → resource-based policy statements. */
  policies: Map<string, Record<string, unknown>[]>;
  /** Qualifier → requested provisioned concurrency. */
  provisioned: Map<string, number>;
  reserved?: number;
  pendingUntil: number;
  updatingUntil: number;
  revision: number;
}

export interface FakeRole {
  name: string;
  arn: string;
  id: string;
  trust: string;
  created: string;
  tags: Record<string, string>;
  policies: Set<string>;
}

export interface FakeWorld extends ContainerWorld {
  account: string;
  region: string;
  /** How long a function stays Pending / InProgress, in milliseconds. */
  transitionMs: number;
  /** Runtimes CreateFunction refuses as unsupported. */
  unsupportedRuntimes: string[];
  /** The Function URL handed out for a function (default: the lambda-url.on.aws form). */
  urlFor: (fn: string, qualifier: string) => string;
  functions: Map<string, LambdaFn>;
  roles: Map<string, FakeRole>;
  buckets: Map<string, { region: string; tags: Record<string, string>; objects: Map<string, Buffer> }>;
  now: () => number;
  revision: () => string;
}

export function newWorld(
  opts: Partial<
    Pick<FakeWorld, "account" | "region" | "transitionMs" | "unsupportedRuntimes" | "urlFor">
  > = {},
): FakeWorld {
  return {
    ...newContainerWorld(opts.region),
    account: opts.account ?? "123456789012",
    region: opts.region ?? "us-east-1",
    transitionMs: opts.transitionMs ?? 30,
    unsupportedRuntimes: opts.unsupportedRuntimes ?? [],
    urlFor:
      opts.urlFor ??
      ((fn, q) =>
        `https://${Buffer.from(`${fn}:${q}`).toString("hex").slice(0, 32)}.lambda-url.${opts.region ?? "us-east-1"}.on.aws/`),
    functions: new Map(),
    roles: new Map(),
    buckets: new Map(),
    now: Date.now,
    revision: randomUUID,
  };
}

const CONFIG_MEMBERS = [
  "Runtime",
  "Role",
  "Handler",
  "Description",
  "Timeout",
  "MemorySize",
  "Environment",
  "Layers",
  "VpcConfig",
  "Architectures",
  "EphemeralStorage",
  "PackageType",
];

function layersOf(v: unknown): unknown {
  return Array.isArray(v) ? v.map((arn) => ({ Arn: arn, CodeSize: 1024 })) : undefined;
}

function vpcOf(v: unknown): unknown {
  const c = v as { SubnetIds?: string[]; SecurityGroupIds?: string[] } | undefined;
  return {
    SubnetIds: c?.SubnetIds ?? [],
    SecurityGroupIds: c?.SecurityGroupIds ?? [],
    VpcId: c?.SubnetIds?.length ? "vpc-0a1b2c3d" : "",
  };
}

/** The FunctionConfiguration of $LATEST or of a version/alias qualifier. */
export function configOf(w: FakeWorld, fn: LambdaFn, qualifier?: string): Record<string, unknown> {
  const alias = qualifier !== undefined ? fn.aliases.get(qualifier) : undefined;
  const versionId =
    alias?.version ?? (qualifier !== undefined && qualifier !== "$LATEST" ? qualifier : undefined);
  const v = versionId !== undefined ? fn.versions.find((x) => x.version === versionId) : undefined;
  const cfg = v?.config ?? fn.config;
  const picked = Object.fromEntries(
    CONFIG_MEMBERS.filter((k) => cfg[k] !== undefined).map((k) => [k, cfg[k]]),
  );
  const pending = w.now() < fn.pendingUntil;
  const updating = w.now() < fn.updatingUntil;
  return {
    FunctionName: fn.name,
    FunctionArn: qualifier !== undefined && qualifier !== "$LATEST" ? `${fn.arn}:${qualifier}` : fn.arn,
    ...picked,
    Timeout: cfg.Timeout ?? 3,
    MemorySize: cfg.MemorySize ?? 128,
    Architectures: cfg.Architectures ?? ["x86_64"],
    EphemeralStorage: cfg.EphemeralStorage ?? { Size: 512 },
    PackageType: "Zip",
    Layers: layersOf(cfg.Layers),
    VpcConfig: vpcOf(cfg.VpcConfig),
    CodeSha256: v?.codeSha256 ?? fn.codeSha256,
    CodeSize: v?.codeSize ?? fn.codeSize,
    Version: v?.version ?? "$LATEST",
    LastModified: "2024-11-05T12:00:00.000+0000",
    RevisionId: `rev-${fn.revision}`,
    State: v || !pending ? "Active" : "Pending",
    ...(pending && !v ? { StateReason: "The function is being created.", StateReasonCode: "Creating" } : {}),
    LastUpdateStatus: v || !updating ? "Successful" : "InProgress",
    ...(updating && !v
      ? { LastUpdateStatusReason: "The function is being updated.", LastUpdateStatusReasonCode: "InProgress" }
      : {}),
  };
}

const sameConfig = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(CONFIG_MEMBERS.map((k) => a[k])) === JSON.stringify(CONFIG_MEMBERS.map((k) => b[k]));

/** Lambda publishes nothing new when code and configuration are those of the latest version. */
export function publishVersion(fn: LambdaFn): string {
  const last = fn.versions.at(-1);
  if (last && last.codeSha256 === fn.codeSha256 && sameConfig(last.config, fn.config)) return last.version;
  const version = String(fn.versions.length + 1);
  fn.versions.push({
    version,
    config: structuredClone(fn.config),
    codeSha256: fn.codeSha256,
    codeSize: fn.codeSize,
  });
  return version;
}
