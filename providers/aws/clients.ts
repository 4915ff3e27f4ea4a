// The ONLY place AWS SDK clients are built (DESIGN.md §9.3). SDK modules are imported here,
// lazily, inside functions: loading the aws provider (validate, schema, an offline plan) loads no
// SDK. S3 and STS are only needed for artifacts above the inline limit, so they load on first use.
//
// Endpoint: the target's `endpoint` option, else AWS_ENDPOINT_URL_<SERVICE>, else
// AWS_ENDPOINT_URL. The SDK reads those variables itself (@smithy/core endpoints: the
// service-specific one first, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS to opt out), but only from
// process.env; ProviderConfig.env is what the run was given, so the same lookup is made here
// from it and the result passed as `endpoint`, which makes the SDK skip its own lookup: one
// answer, never two. Without any, the SDK still honours a profile's `endpoint_url`.

import { proxyAgentFor } from "../_shared/proxy.js";
import type * as IamModule from "@aws-sdk/client-iam";
import type { IAMClient } from "@aws-sdk/client-iam";
import type * as LambdaModule from "@aws-sdk/client-lambda";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type * as S3Module from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import type * as StsModule from "@aws-sdk/client-sts";
import type { STSClient } from "@aws-sdk/client-sts";
import type { CallRetryPolicy, ProviderConfig } from "../../src/core/provider.js";
import { callPolicy } from "../_shared/call-retry.js";
import { withCallRetry } from "./call-retry.js";
import type * as EcsModule from "@aws-sdk/client-ecs";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type * as Ec2Module from "@aws-sdk/client-ec2";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type * as ElbModule from "@aws-sdk/client-elastic-load-balancing-v2";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type * as ScalingModule from "@aws-sdk/client-application-auto-scaling";
import type { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import type * as LogsModule from "@aws-sdk/client-cloudwatch-logs";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";

export type LambdaSdk = typeof LambdaModule;
export type IamSdk = typeof IamModule;
export type S3Sdk = typeof S3Module;
export type StsSdk = typeof StsModule;
export type LogsSdk = typeof LogsModule;

export type AwsService =
  | "LAMBDA"
  | "IAM"
  | "S3"
  | "STS"
  | "ECS"
  | "EC2"
  | "ELASTIC_LOAD_BALANCING_V2"
  | "APPLICATION_AUTO_SCALING"
  | "CLOUDWATCH_LOGS";

/** Lambda's limit for a zip sent inline in CreateFunction/UpdateFunctionCode. */
export const INLINE_ZIP_LIMIT = 50 * 1024 * 1024;

export interface AwsClients {
  region: string;
  /** Target name, for error messages. */
  target: string;
  lambda: LambdaClient;
  iam: IAMClient;
  sdk: { lambda: LambdaSdk; iam: IamSdk };
  s3(): Promise<{ client: S3Client; sdk: S3Sdk }>;
  sts(): Promise<{ client: STSClient; sdk: StsSdk }>;
  /** CloudWatch Logs, loaded on first use (`apiship logs` reads the function's log group). */
  logs(): Promise<{ client: CloudWatchLogsClient; sdk: LogsSdk }>;
  /** Zips above this many bytes go through S3. */
  inlineLimitBytes: number;
  /** First pause of a wait for the function to settle (APISHIP_AWS_POLL_MS; tests shorten it). */
  pollIntervalMs: number;
  /** The same clients in another region: a state recorded there is read and torn down there. */
  forRegion(region: string): Promise<AwsClients>;
}

interface TargetOptions {
  region?: unknown;
  endpoint?: unknown;
  profile?: unknown;
}

const truthy = (v: string | undefined) => v !== undefined && /^(1|true)$/i.test(v);

/** The endpoint a service's client talks to, or undefined for the SDK's default. */
export function endpointFor(service: AwsService, cfg: ProviderConfig): string | undefined {
  const opts = cfg.target.options as TargetOptions;
  if (typeof opts.endpoint === "string") return opts.endpoint;
  if (truthy(cfg.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)) return undefined;
  return cfg.env[`AWS_ENDPOINT_URL_${service}`] || cfg.env.AWS_ENDPOINT_URL || undefined;
}

/** Client settings every service shares: region, credentials, retries, endpoint. */
export function baseConfig(service: AwsService, cfg: ProviderConfig): Record<string, unknown> {
  const opts = cfg.target.options as TargetOptions;
  const out: Record<string, unknown> = { region: String(opts.region ?? cfg.env.AWS_REGION ?? "us-east-1") };
  const endpoint = endpointFor(service, cfg);
  if (endpoint !== undefined) out.endpoint = endpoint;
  // Env credentials head the SDK's default chain anyway; taking them from cfg.env keeps a run's
  // environment (CI, tests) authoritative. Everything else is the SDK chain: profile, SSO,
  // web identity, container and instance metadata.
  const { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: token } = cfg.env;
  if (id && secret) out.credentials = { accessKeyId: id, secretAccessKey: secret, sessionToken: token };
  else if (typeof opts.profile === "string") out.profile = opts.profile;
  // One retry layer (call-retry.ts): the SDK's own strategy makes one attempt.
  out.maxAttempts = 1;
  // HTTPS_PROXY/HTTP_PROXY/NO_PROXY: the SDK's Node handler ignores them, so its agent is set.
  const host = new URL(
    endpoint ?? `https://${service.toLowerCase().replace(/_/g, "-")}.${String(out.region)}.amazonaws.com`,
  );
  const agent = proxyAgentFor(host, cfg.env);
  if (agent) out.requestHandler = host.protocol === "https:" ? { httpsAgent: agent } : { httpAgent: agent };
  return out;
}

/** The run's per-call policy; AWS_MAX_ATTEMPTS, the SDK's own variable, still sets the attempts. */
export function awsRetryPolicy(cfg: ProviderConfig): CallRetryPolicy {
  const policy = callPolicy(cfg);
  const attempts = Number(cfg.env.AWS_MAX_ATTEMPTS);
  return Number.isInteger(attempts) && attempts > 0 ? { ...policy, maxAttempts: attempts } : policy;
}

/** Each client retries its calls under the run's policy (call-retry.ts). */
function retrier(cfg: ProviderConfig) {
  const policy = awsRetryPolicy(cfg);
  return <C extends Parameters<typeof withCallRetry>[0]>(client: C): C => withCallRetry(client, policy);
}

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

/**
 * The SDK warns on Node 20 that its releases after January 2027 will need Node 22. The version
 * package-lock.json pins runs on Node 20, so the warning only tells apiship's users about an
 * upgrade that is ours to make; a user who sets the variable keeps their choice.
 */
function quietNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

/** STS, loaded on first use: artifacts above the inline limit and `apiship doctor` need it. */
function stsFor(cfg: ProviderConfig, retried: ReturnType<typeof retrier>) {
  return memo(async () => {
    const sdk = await import("@aws-sdk/client-sts");
    return { client: retried(new sdk.STSClient(baseConfig("STS", cfg))), sdk };
  });
}

export async function createAwsClients(cfg: ProviderConfig): Promise<AwsClients> {
  quietNodeVersionWarning();
  const retried = retrier(cfg);
  const [lambdaSdk, iamSdk] = await Promise.all([
    import("@aws-sdk/client-lambda"),
    import("@aws-sdk/client-iam"),
  ]);
  const s3 = memo(async () => {
    const sdk = await import("@aws-sdk/client-s3");
    // Emulators serve buckets under the path, not as virtual hosts of a domain they do not own.
    const forcePathStyle = endpointFor("S3", cfg) !== undefined;
    // Checksums only where S3 requires them: a streamed upload then stays a plain body.
    const checksums = { requestChecksumCalculation: "WHEN_REQUIRED" as const };
    return {
      client: retried(new sdk.S3Client({ ...baseConfig("S3", cfg), forcePathStyle, ...checksums })),
      sdk,
    };
  });
  const sts = stsFor(cfg, retried);
  const logs = memo(async () => {
    const sdk = await import("@aws-sdk/client-cloudwatch-logs");
    return { client: retried(new sdk.CloudWatchLogsClient(baseConfig("CLOUDWATCH_LOGS", cfg))), sdk };
  });
  const limit = Number(cfg.env.APISHIP_AWS_INLINE_LIMIT);
  const poll = Number(cfg.env.APISHIP_AWS_POLL_MS);
  return {
    region: String(baseConfig("LAMBDA", cfg).region),
    target: cfg.target.name,
    lambda: retried(new lambdaSdk.LambdaClient(baseConfig("LAMBDA", cfg))),
    iam: retried(new iamSdk.IAMClient(baseConfig("IAM", cfg))),
    sdk: { lambda: lambdaSdk, iam: iamSdk },
    s3,
    sts,
    logs,
    inlineLimitBytes: Number.isInteger(limit) && limit > 0 ? limit : INLINE_ZIP_LIMIT,
    pollIntervalMs: Number.isFinite(poll) && poll > 0 ? poll : 1000,
    forRegion: (region) =>
      createAwsClients({ ...cfg, target: { ...cfg.target, options: { ...cfg.target.options, region } } }),
  };
}

export interface EcsSdks {
  ecs: typeof EcsModule;
  ec2: typeof Ec2Module;
  elb: typeof ElbModule;
  scaling: typeof ScalingModule;
  logs: typeof LogsModule;
  iam: IamSdk;
}

/** The clients of aws/ecs-fargate: ECS with the EC2, ELBv2, Auto Scaling, Logs and IAM it needs. */
export interface EcsClients {
  region: string;
  /** Target name, for error messages. */
  target: string;
  ecs: ECSClient;
  ec2: EC2Client;
  elb: ElasticLoadBalancingV2Client;
  scaling: ApplicationAutoScalingClient;
  logs: CloudWatchLogsClient;
  iam: IAMClient;
  sdk: EcsSdks;
  /** STS, loaded on first use (`apiship doctor` asks who the credentials are). */
  sts(): Promise<{ client: STSClient; sdk: StsSdk }>;
  /** First pause of a wait (APISHIP_AWS_POLL_MS; tests shorten it). */
  pollIntervalMs: number;
  /** Longest wait for a rollout to finish (APISHIP_ECS_ROLLOUT_TIMEOUT_MS, default 20 minutes). */
  rolloutTimeoutMs: number;
  /** The same clients in another region: a state recorded there is read and torn down there. */
  forRegion(region: string): Promise<EcsClients>;
}

export async function createEcsClients(cfg: ProviderConfig): Promise<EcsClients> {
  quietNodeVersionWarning();
  const retried = retrier(cfg);
  const [ecs, ec2, elb, scaling, logs, iam] = await Promise.all([
    import("@aws-sdk/client-ecs"),
    import("@aws-sdk/client-ec2"),
    import("@aws-sdk/client-elastic-load-balancing-v2"),
    import("@aws-sdk/client-application-auto-scaling"),
    import("@aws-sdk/client-cloudwatch-logs"),
    import("@aws-sdk/client-iam"),
  ]);
  const poll = Number(cfg.env.APISHIP_AWS_POLL_MS);
  const rollout = Number(cfg.env.APISHIP_ECS_ROLLOUT_TIMEOUT_MS);
  return {
    region: String(baseConfig("ECS", cfg).region),
    target: cfg.target.name,
    ecs: retried(new ecs.ECSClient(baseConfig("ECS", cfg))),
    ec2: retried(new ec2.EC2Client(baseConfig("EC2", cfg))),
    elb: retried(new elb.ElasticLoadBalancingV2Client(baseConfig("ELASTIC_LOAD_BALANCING_V2", cfg))),
    scaling: retried(new scaling.ApplicationAutoScalingClient(baseConfig("APPLICATION_AUTO_SCALING", cfg))),
    logs: retried(new logs.CloudWatchLogsClient(baseConfig("CLOUDWATCH_LOGS", cfg))),
    iam: retried(new iam.IAMClient(baseConfig("IAM", cfg))),
    sdk: { ecs, ec2, elb, scaling, logs, iam },
    sts: stsFor(cfg, retried),
    pollIntervalMs: Number.isFinite(poll) && poll > 0 ? poll : 2000,
    rolloutTimeoutMs: Number.isFinite(rollout) && rollout > 0 ? rollout : 20 * 60_000,
    forRegion: (region) =>
      createEcsClients({ ...cfg, target: { ...cfg.target, options: { ...cfg.target.options, region } } }),
  };
}
