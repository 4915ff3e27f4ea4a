// The Cloud Functions v2 Function resource both ways: the body apiship sends for the wanted
// attributes (cloudfunctions-v2.json Function: buildConfig, serviceConfig, labels) with the
// update mask of what changed, and the attributes of a Function a GET returned.

import { canonicalJson } from "../../src/plan/diff.js";
import type { CloudFunction, StorageSource } from "./clients.js";
import { LABEL_SOURCE } from "./functions-state.js";
import type { FunctionAttrs, FunctionState } from "./functions-state.js";
import { parseCpu, parseMemory } from "./run-service.js";

type ServiceConfig = NonNullable<CloudFunction["serviceConfig"]>;
type SecretEnv = NonNullable<ServiceConfig["secretEnvironmentVariables"]>[number];

/** Mask paths of each compared attribute (FieldMask of functions.patch). */
const MASK: Record<keyof FunctionAttrs, string[]> = {
  project: [],
  region: [],
  runtime: ["buildConfig.runtime"],
  entryPoint: ["buildConfig.entryPoint"],
  buildEnv: ["buildConfig.environmentVariables"],
  sourceSha256: ["buildConfig.source"],
  env: ["serviceConfig.environmentVariables"],
  secrets: ["serviceConfig.environmentVariables"],
  secretRefs: ["serviceConfig.secretEnvironmentVariables"],
  memory: ["serviceConfig.availableMemory"],
  cpu: ["serviceConfig.availableCpu"],
  timeoutSeconds: ["serviceConfig.timeoutSeconds"],
  minInstances: ["serviceConfig.minInstanceCount"],
  maxInstances: ["serviceConfig.maxInstanceCount"],
  concurrency: ["serviceConfig.maxInstanceRequestConcurrency"],
  ingress: ["serviceConfig.ingressSettings"],
  serviceAccount: ["serviceConfig.serviceAccountEmail"],
  vpcConnector: ["serviceConfig.vpcConnector"],
  labels: ["labels"],
};

/** The update mask from `have` to `want`; empty when nothing differs. */
export function updateMask(have: FunctionAttrs, want: FunctionAttrs): string[] {
  const paths = new Set<string>();
  for (const k of Object.keys(MASK) as (keyof FunctionAttrs)[]) {
    if (k === "cpu" && want.cpu === null) continue;
    if (canonicalJson(have[k]) !== canonicalJson(want[k])) for (const p of MASK[k]) paths.add(p);
  }
  // Traffic follows each deploy; a rollback pinned it, a deploy unpins it.
  if (paths.size > 0) paths.add("serviceConfig.allTrafficOnLatestRevision");
  return [...paths].sort();
}

function secretEnv(ref: string): SecretEnv {
  const at = ref.lastIndexOf("@");
  const [, projectId, , secret] = ref.slice(0, at).split("/");
  return { key: "", projectId: projectId ?? "", secret: secret ?? "", version: ref.slice(at + 1) };
}

export function functionBody(
  want: FunctionAttrs,
  source: StorageSource | undefined,
  secretValues: Record<string, string>,
): CloudFunction {
  const sc: ServiceConfig = {
    environmentVariables: { ...want.env, ...secretValues },
    secretEnvironmentVariables: Object.entries(want.secretRefs).map(([key, ref]) => ({
      ...secretEnv(ref),
      key,
    })),
    availableMemory: `${want.memory}Mi`,
    timeoutSeconds: want.timeoutSeconds,
    minInstanceCount: want.minInstances,
    maxInstanceCount: want.maxInstances,
    maxInstanceRequestConcurrency: want.concurrency,
    ingressSettings: want.ingress as never,
    allTrafficOnLatestRevision: true,
  };
  if (want.cpu !== null) sc.availableCpu = String(want.cpu);
  if (want.serviceAccount) sc.serviceAccountEmail = want.serviceAccount;
  if (want.vpcConnector) sc.vpcConnector = want.vpcConnector;
  const body: CloudFunction = {
    environment: "GEN_2",
    labels: { ...want.labels },
    buildConfig: { runtime: want.runtime, entryPoint: want.entryPoint },
    serviceConfig: sc,
  };
  if (want.buildEnv && body.buildConfig) body.buildConfig.environmentVariables = { ...want.buildEnv };
  if (source && body.buildConfig) body.buildConfig.source = { storageSource: source };
  return body;
}

const DEFAULT_SA = /^\d+-compute@developer\.gserviceaccount\.com$/;

/** The state of a Function a GET returned; env values of `secretNames` become their known hashes. */
export function toFunctionState(
  f: CloudFunction,
  project: string,
  region: string,
  secretNames: readonly string[],
  knownHashes: Record<string, string>,
): FunctionState {
  const sc = f.serviceConfig ?? {};
  const env: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [k, v] of Object.entries(sc.environmentVariables ?? {})) {
    if (secretNames.includes(k)) secrets[k] = knownHashes[k] ?? "";
    else env[k] = v;
  }
  const secretRefs: Record<string, string> = {};
  for (const s of sc.secretEnvironmentVariables ?? [])
    secretRefs[s.key ?? ""] =
      `projects/${s.projectId || project}/secrets/${s.secret ?? ""}@${s.version || "latest"}`;
  const labels = Object.fromEntries(Object.entries(f.labels ?? {}).filter(([k]) => k.startsWith("apiship-")));
  const state: FunctionState = {
    project,
    region,
    runtime: f.buildConfig?.runtime ?? "",
    entryPoint: f.buildConfig?.entryPoint ?? "",
    sourceSha256: labels[LABEL_SOURCE] ?? "",
    env,
    secrets,
    secretRefs,
    memory: parseMemory(sc.availableMemory),
    cpu: sc.availableCpu ? parseCpu(sc.availableCpu) : null,
    timeoutSeconds: sc.timeoutSeconds ?? 0,
    minInstances: sc.minInstanceCount ?? 0,
    maxInstances: sc.maxInstanceCount ?? 0,
    concurrency: sc.maxInstanceRequestConcurrency ?? 0,
    ingress: String(sc.ingressSettings ?? ""),
    serviceAccount: DEFAULT_SA.test(sc.serviceAccountEmail ?? "") ? "" : (sc.serviceAccountEmail ?? ""),
    vpcConnector: sc.vpcConnector ?? "",
    labels,
    resourceName: f.name ?? "",
    state: String(f.state ?? ""),
    url: f.url ?? "",
    runService: sc.service ?? "",
    revision: sc.revision ?? "",
  };
  const buildEnv = f.buildConfig?.environmentVariables ?? {};
  if (Object.keys(buildEnv).length > 0) state.buildEnv = { ...buildEnv };
  return state;
}
