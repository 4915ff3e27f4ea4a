// Cloud Functions API v2 (cloudfunctions-v2.json): generateUploadUrl hands out a signed URL the
// client PUTs its zip to; create and patch (with an update mask) start a long-running build
// that, when polled to the end, builds an image from the uploaded source and deploys it as a
// Cloud Run service named after the function, as the real service does. A function being
// deployed refuses another write (409 ABORTED); a failed build leaves the function FAILED and
// the operation's error names the build log.

import { randomUUID } from "node:crypto";
import type { RunApi } from "./run.js";
import type { Json, GcpWorld } from "./world.js";
import { GcpFault, now, rand } from "./world.js";

const FUNCTION = "google.cloud.functions.v2.Function";
const METADATA = "google.cloud.functions.v2.OperationMetadata";
const READ_ONLY = ["name", "state", "stateMessages", "updateTime", "createTime", "url", "satisfiesPzs"];
const FUNCTION_ID = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

const clone = <T>(v: T): T => structuredClone(v);

function setPath(obj: Json, path: string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    if (value === undefined) delete obj[head];
    else obj[head] = clone(value);
    return;
  }
  const child = (obj[head] as Json | undefined) ?? {};
  obj[head] = child;
  setPath(child, rest, value);
}

function getPath(obj: Json | undefined, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) cur = cur && typeof cur === "object" ? (cur as Json)[p] : undefined;
  return cur;
}

function withServiceDefaults(world: GcpWorld, sc: Json | undefined): Json {
  return {
    availableMemory: "256M",
    availableCpu: "0.1666",
    timeoutSeconds: 60,
    maxInstanceCount: 100,
    maxInstanceRequestConcurrency: 1,
    ingressSettings: "ALLOW_ALL",
    allTrafficOnLatestRevision: true,
    serviceAccountEmail: world.defaultServiceAccount(),
    ...clone(sc ?? {}),
  };
}

export class FunctionsApi {
  /** Base URL of the fake, for the upload URLs it hands out. */
  baseUrl = "";

  constructor(
    private readonly world: GcpWorld,
    private readonly run: RunApi,
  ) {}

  get(name: string): Json {
    const f = this.world.functions.get(name);
    if (!f)
      throw new GcpFault(
        "NOT_FOUND",
        `Function ${name.split("/").pop()} in region ${name.split("/")[3]} in project ${name.split("/")[1]} does not exist`,
      );
    return clone(f);
  }

  generateUploadUrl(parent: string): Json {
    const token = randomUUID();
    const region = parent.split("/")[3] ?? "";
    const upload = {
      bucket: `gcf-v2-uploads-${this.world.projectNumber}-${region}`,
      object: `${randomUUID()}.zip`,
    };
    this.world.uploads.set(token, upload);
    return {
      uploadUrl: `${this.baseUrl}/upload/${token}?GoogleAccessId=service-${this.world.projectNumber}@gcf-admin-robot.iam.gserviceaccount.com&Expires=${Math.floor(Date.now() / 1000) + 1800}&Signature=${rand(16)}`,
      storageSource: upload,
    };
  }

  /** The signed-URL PUT: GCS wants the content type the URL was signed for. */
  upload(token: string, contentType: string | undefined, bytes: Buffer): void {
    const u = this.world.uploads.get(token);
    if (!u)
      throw new GcpFault(
        "PERMISSION_DENIED",
        "The request signature we calculated does not match the signature you provided.",
      );
    if (contentType !== "application/zip")
      throw new GcpFault("PERMISSION_DENIED", "Signed URL requires Content-Type: application/zip");
    u.bytes = bytes;
    u.contentType = contentType;
  }

  create(parent: string, functionId: string | null, body: Json) {
    if (!functionId || !FUNCTION_ID.test(functionId))
      throw new GcpFault(
        "INVALID_ARGUMENT",
        `Invalid function id '${functionId ?? ""}': must match ${FUNCTION_ID.source}`,
      );
    const name = `${parent}/functions/${functionId}`;
    if (this.world.functions.has(name))
      throw new GcpFault(
        "ALREADY_EXISTS",
        `Function ${functionId} in region ${parent.split("/")[3]} already exists`,
      );
    const fn: Json = {
      ...this.writable(body),
      name,
      environment: "GEN_2",
      state: "DEPLOYING",
      updateTime: now(),
    };
    this.world.functions.set(name, fn);
    return this.deploy(name, "create");
  }

  update(name: string, body: Json, mask: string[] | undefined) {
    const have = this.get(name);
    if (have.state === "DEPLOYING" || have.state === "DELETING")
      throw new GcpFault(
        "ABORTED",
        `An operation on function ${name} is already in progress. Please try again later.`,
      );
    const incoming = this.writable(body);
    const next = clone(have);
    const paths = mask && mask.length > 0 ? mask : Object.keys({ ...incoming, ...this.writable(have) });
    for (const p of paths) {
      const path = p.split(".");
      if (READ_ONLY.includes(path[0] ?? "")) continue;
      setPath(next, path, getPath(incoming, path));
    }
    next.state = "DEPLOYING";
    next.updateTime = now();
    this.world.functions.set(name, next);
    return this.deploy(name, "update");
  }

  delete(name: string) {
    const have = this.get(name);
    if (have.state === "DEPLOYING")
      throw new GcpFault("ABORTED", `An operation on function ${name} is already in progress.`);
    this.world.functions.set(name, { ...have, state: "DELETING" });
    return this.world.startOperation(
      name.replace(/\/functions\/.*$/, ""),
      { metadata: METADATA, response: "google.protobuf.Empty" },
      this.metadata(name, "delete"),
      () => {
        this.world.functions.delete(name);
        const svc = (have.serviceConfig as Json | undefined)?.service;
        if (typeof svc === "string" && this.world.services.has(svc)) {
          this.world.services.delete(svc);
          this.world.policies.delete(svc);
          for (const r of [...this.world.revisions.keys()])
            if (r.startsWith(`${svc}/revisions/`)) this.world.revisions.delete(r);
        }
        return {};
      },
    );
  }

  private writable(body: Json): Json {
    const out: Json = {};
    for (const [k, v] of Object.entries(body)) if (!READ_ONLY.includes(k)) out[k] = clone(v);
    return out;
  }

  private metadata(name: string, verb: string): Json {
    return { createTime: now(), target: name, verb, apiVersion: "v2", cancelRequested: false };
  }

  private deploy(name: string, verb: string) {
    const parent = name.replace(/\/functions\/.*$/, "");
    const md = {
      ...this.metadata(name, verb),
      requestResource: { "@type": `type.googleapis.com/${FUNCTION}`, ...this.get(name) },
    };
    const op = this.world.startOperation(parent, { metadata: METADATA, response: FUNCTION }, md, () =>
      this.build(name, op.metadata),
    );
    return op;
  }

  /** The deploy's effect: check the source, build (or fail), roll out the Run service. */
  private build(name: string, md: Json): Json {
    const fn = this.world.functions.get(name);
    if (!fn) throw new GcpFault("NOT_FOUND", `function ${name} vanished`);
    const [, project, , region, , id] = name.split("/");
    const bc = (fn.buildConfig as Json | undefined) ?? {};
    const src = getPath(bc, ["source", "storageSource"]) as Json | undefined;
    const upload = [...this.world.uploads.values()].find(
      (u) => u.bucket === src?.bucket && u.object === src?.object,
    );
    const buildId = randomUUID();
    const logUrl = `https://console.cloud.google.com/cloud-build/builds;region=${region}/${buildId}?project=${this.world.projectNumber}`;
    bc.build = `projects/${this.world.projectNumber}/locations/${region}/builds/${buildId}`;
    bc.dockerRegistry ??= "ARTIFACT_REGISTRY";
    bc.dockerRepository ??= `projects/${project}/locations/${region}/repositories/gcf-artifacts`;
    fn.buildConfig = bc;
    const fail = (why: string) => {
      fn.state = "FAILED";
      fn.stateMessages = [{ severity: "ERROR", type: "BuildFailed", message: why }];
      md.stages = [
        { name: "BUILD", state: "COMPLETE", message: why, resource: bc.build, resourceUri: logUrl },
      ];
      throw new GcpFault("INVALID_ARGUMENT", why);
    };
    if (!upload?.bytes)
      fail(
        `Build failed: the source object gs://${String(src?.bucket)}/${String(src?.object)} does not exist or is empty. For more details see the logs at ${logUrl}.`,
      );
    if (!bc.runtime || !bc.entryPoint)
      fail("Build failed: buildConfig.runtime and buildConfig.entryPoint are required.");
    if (this.world.knobs.failBuild !== undefined)
      fail(
        `Build failed with status: FAILURE and message: ${this.world.knobs.failBuild}. For more details see the logs at ${logUrl}.`,
      );
    const sc = withServiceDefaults(this.world, fn.serviceConfig as Json | undefined);
    const svcName = `projects/${project}/locations/${region}/services/${id}`;
    const svc = this.run.upsertNow(
      svcName,
      this.serviceBody(
        fn,
        sc,
        `${region}-docker.pkg.dev/${project}/gcf-artifacts/${id}:version_${buildId.slice(0, 8)}`,
      ),
    );
    sc.service = svcName;
    sc.uri = svc.uri;
    sc.revision = String(svc.latestReadyRevision ?? "")
      .split("/")
      .pop();
    fn.serviceConfig = sc;
    fn.state = "ACTIVE";
    fn.stateMessages = [];
    fn.url =
      this.world.knobs.functionUrl?.(id ?? "") ?? `https://${region}-${project}.cloudfunctions.net/${id}`;
    fn.updateTime = now();
    md.stages = [
      { name: "BUILD", state: "COMPLETE", resource: bc.build, resourceUri: logUrl },
      {
        name: "SERVICE",
        state: "COMPLETE",
        resource: svcName,
        resourceUri: `https://console.cloud.google.com/run/detail/${region}/${id}?project=${project}`,
      },
    ];
    return clone(fn);
  }

  private serviceBody(fn: Json, sc: Json, image: string): Json {
    const env = Object.entries((sc.environmentVariables as Record<string, string> | undefined) ?? {}).map(
      ([name, value]) => ({ name, value }),
    );
    for (const s of (sc.secretEnvironmentVariables as Json[] | undefined) ?? [])
      env.push({
        name: String(s.key),
        valueSource: { secretKeyRef: { secret: String(s.secret), version: String(s.version ?? "latest") } },
      } as never);
    return {
      labels: { "goog-managed-by": "cloudfunctions", ...((fn.labels as Json | undefined) ?? {}) },
      ingress:
        {
          ALLOW_ALL: "INGRESS_TRAFFIC_ALL",
          ALLOW_INTERNAL_ONLY: "INGRESS_TRAFFIC_INTERNAL_ONLY",
          ALLOW_INTERNAL_AND_GCLB: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
        }[String(sc.ingressSettings)] ?? "INGRESS_TRAFFIC_ALL",
      template: {
        containers: [
          {
            image,
            env,
            resources: {
              limits: {
                cpu: String(sc.availableCpu),
                memory: String(sc.availableMemory).replace(/M$/, "Mi").replace(/G$/, "Gi"),
              },
            },
          },
        ],
        scaling: { minInstanceCount: sc.minInstanceCount ?? 0, maxInstanceCount: sc.maxInstanceCount },
        timeout: `${String(sc.timeoutSeconds)}s`,
        maxInstanceRequestConcurrency: sc.maxInstanceRequestConcurrency,
        serviceAccount: sc.serviceAccountEmail,
      },
      traffic:
        sc.allTrafficOnLatestRevision === false
          ? undefined
          : [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }],
    };
  }
}
