// The Cloud Run v2 Service resource, both ways: the request body apiship sends for the wanted
// attributes (run-v2.json GoogleCloudRunV2Service), and the attributes of a Service a GET
// returned, with the server's defaults and spellings normalised ("1000m" is 1 vCPU, "1Gi" is
// 1024 MiB, the default compute service account is ""), so an unchanged service plans no change.

import type { RunService } from "./clients.js";
import type { ProbeAttrs, RunServiceAttrs, RunServiceState, TrafficState } from "./run-state.js";
import { decodeFingerprints, encodeFingerprints } from "../_shared/fingerprints.js";

type Container = NonNullable<NonNullable<RunService["template"]>["containers"]>[number];
type Probe = NonNullable<Container["startupProbe"]>;

const LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST";
const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";

function cpuString(cpu: number): string {
  return Number.isInteger(cpu) ? String(cpu) : `${Math.round(cpu * 1000)}m`;
}

export function parseCpu(s: string | null | undefined): number {
  if (!s) return 0;
  return s.endsWith("m") ? Number(s.slice(0, -1)) / 1000 : Number(s);
}

export function parseMemory(s: string | null | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|M|G|k)?$/.exec(s ?? "");
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2] ?? "";
  const factor: Record<string, number> = {
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    k: 1000 / 1048576,
    M: 1e6 / 1048576,
    G: 1e9 / 1048576,
    "": 1 / 1048576,
  };
  return Math.round(n * (factor[unit] ?? 1));
}

function probe(p: ProbeAttrs): Probe {
  return {
    httpGet: { path: p.path, port: p.port },
    timeoutSeconds: p.timeoutSeconds,
    periodSeconds: p.periodSeconds,
    failureThreshold: p.failureThreshold,
  };
}

function probeAttrs(p: Probe | null | undefined): ProbeAttrs {
  return {
    path: p?.httpGet?.path ?? "",
    port: p?.httpGet?.port ?? 0,
    timeoutSeconds: p?.timeoutSeconds ?? 0,
    periodSeconds: p?.periodSeconds ?? 0,
    failureThreshold: p?.failureThreshold ?? 0,
  };
}

function secretKeyRef(ref: string): { secret: string; version: string } {
  const at = ref.lastIndexOf("@");
  return { secret: ref.slice(0, at), version: ref.slice(at + 1) };
}

/** The template's env: plain values, resolved env:/file: secrets, then gcp-sm: references. */
function envOf(want: RunServiceAttrs, secretValues: Record<string, string>): Container["env"] {
  const env: NonNullable<Container["env"]> = Object.entries(want.env).map(([name, value]) => ({
    name,
    value,
  }));
  for (const name of Object.keys(want.secrets)) env.push({ name, value: secretValues[name] ?? "" });
  for (const [name, ref] of Object.entries(want.secretRefs))
    env.push({ name, valueSource: { secretKeyRef: secretKeyRef(ref) } });
  return env;
}

/** The Service body for `want`; `revision` names the revision this template makes. */
export function serviceBody(
  want: RunServiceAttrs,
  revision: string,
  secretValues: Record<string, string>,
): RunService {
  const container: Container = {
    image: want.image,
    ports: [{ name: "http1", containerPort: want.port }],
    env: envOf(want, secretValues),
    resources: {
      limits: { cpu: cpuString(want.cpu), memory: `${want.memory}Mi` },
      cpuIdle: want.cpuIdle,
      startupCpuBoost: want.startupCpuBoost,
    },
    startupProbe: probe(want.startupProbe),
    livenessProbe: probe(want.livenessProbe),
  };
  if (want.command.length > 0) container.command = want.command;
  if (want.args.length > 0) container.args = want.args;
  const template: NonNullable<RunService["template"]> = {
    revision,
    labels: { ...want.labels },
    annotations: { [SECRETS_ANNOTATION]: encodeFingerprints(want.secrets) },
    scaling: { minInstanceCount: want.minInstances, maxInstanceCount: want.maxInstances },
    maxInstanceRequestConcurrency: want.concurrency,
    timeout: { seconds: want.timeoutSeconds },
    containers: [container],
  };
  if (want.serviceAccount) template.serviceAccount = want.serviceAccount;
  if (want.executionEnvironment) template.executionEnvironment = want.executionEnvironment as never;
  if (want.vpcConnector) template.vpcAccess = { connector: want.vpcConnector };
  return { labels: { ...want.labels }, ingress: want.ingress as never, template };
}

export function trafficBody(t: TrafficState): NonNullable<RunService["traffic"]> {
  return t.latest
    ? [{ type: LATEST, percent: 100 }]
    : [{ type: REVISION, revision: t.revision ?? "", percent: 100 }];
}

export function trafficOf(s: RunService): TrafficState {
  const targets = (s.traffic ?? []).filter((t) => (t.percent ?? 0) > 0);
  const only = targets.length === 1 ? targets[0] : undefined;
  if (only && String(only.type) === LATEST) return { latest: true };
  if (only && String(only.type) === REVISION) return { latest: false, revision: only.revision ?? "" };
  // A split apiship did not make: report it as pinned to whatever serves most.
  const top = [...targets].sort((a, b) => (b.percent ?? 0) - (a.percent ?? 0))[0];
  return { latest: false, revision: top?.revision ?? "" };
}

const shortId = (full: string | null | undefined) => (full ?? "").split("/").pop() ?? "";
const DEFAULT_SA = /^\d+-compute@developer\.gserviceaccount\.com$/;

/**
 * The template carries the fingerprints (keyed hashes, never values) of the secrets it holds, so
 * read() compares what the cloud runs, not what the state recorded: an apply that updated the
 * service but was not recorded (a failed run, a retry) is then seen as done instead of sending
 * another revision of the same template.
 */
export const SECRETS_ANNOTATION = "apiship.dev/secret-fingerprints";

function splitEnv(
  c: Container | undefined,
  secretNames: readonly string[],
  knownHashes: Record<string, string>,
) {
  const env: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const secretRefs: Record<string, string> = {};
  for (const e of c?.env ?? []) {
    const name = e.name ?? "";
    const ref = e.valueSource?.secretKeyRef;
    if (ref?.secret) secretRefs[name] = `${ref.secret}@${ref.version || "latest"}`;
    else if (secretNames.includes(name)) secrets[name] = knownHashes[name] ?? "";
    else env[name] = e.value ?? "";
  }
  return { env, secrets, secretRefs };
}

/** The state of a Service a GET returned; env values of `secretNames` become their known hashes. */
export function toServiceState(
  s: RunService,
  project: string,
  region: string,
  secretNames: readonly string[],
  knownHashes: Record<string, string>,
): RunServiceState {
  const t = s.template ?? {};
  const c = t.containers?.[0] ?? undefined;
  const limits = c?.resources?.limits ?? {};
  const env = String(t.executionEnvironment ?? "");
  return {
    project,
    region,
    image: c?.image ?? "",
    port: c?.ports?.[0]?.containerPort ?? 8080,
    command: [...(c?.command ?? [])],
    args: [...(c?.args ?? [])],
    ...splitEnv(c, secretNames, {
      ...knownHashes,
      ...decodeFingerprints(t.annotations?.[SECRETS_ANNOTATION]),
    }),
    cpu: parseCpu(limits.cpu),
    memory: parseMemory(limits.memory),
    cpuIdle: c?.resources?.cpuIdle ?? true,
    startupCpuBoost: c?.resources?.startupCpuBoost ?? false,
    minInstances: t.scaling?.minInstanceCount ?? 0,
    maxInstances: t.scaling?.maxInstanceCount ?? 0,
    concurrency: t.maxInstanceRequestConcurrency ?? 0,
    timeoutSeconds: Number(t.timeout?.seconds ?? 0),
    startupProbe: probeAttrs(c?.startupProbe),
    livenessProbe: probeAttrs(c?.livenessProbe),
    ingress: String(s.ingress ?? ""),
    serviceAccount: DEFAULT_SA.test(t.serviceAccount ?? "") ? "" : (t.serviceAccount ?? ""),
    executionEnvironment: env.endsWith("UNSPECIFIED") ? "" : env,
    vpcConnector: t.vpcAccess?.connector ?? "",
    labels: Object.fromEntries(Object.entries(s.labels ?? {}).filter(([k]) => k.startsWith("apiship-"))),
    resourceName: s.name ?? "",
    uri: s.uri ?? "",
    etag: s.etag ?? "",
    generation: String(s.generation ?? "0"),
    revision: t.revision ?? "",
    latestReadyRevision: shortId(s.latestReadyRevision),
    latestCreatedRevision: shortId(s.latestCreatedRevision),
  };
}
