// Cloud Run Admin API v2 (run-v2.json): services, their revisions and IAM policies. Like the
// real control plane it defaults what the client left out (ports, limits, concurrency, timeout,
// service account, traffic), names revisions it was not told to name, creates a revision only
// when the template changed, finishes writes in a long-running operation, and refuses a write
// whose etag is stale (409 ABORTED).

import { createHash } from "node:crypto";
import type { Json, GcpWorld } from "./world.js";
import { GcpFault, newEtag, now, rand } from "./world.js";

const SERVICE = "google.cloud.run.v2.Service";
const READ_ONLY = [
  "uid",
  "generation",
  "createTime",
  "updateTime",
  "deleteTime",
  "expireTime",
  "creator",
  "lastModifier",
  "observedGeneration",
  "terminalCondition",
  "conditions",
  "latestReadyRevision",
  "latestCreatedRevision",
  "trafficStatuses",
  "uri",
  "urls",
  "reconciling",
  "etag",
  "satisfiesPzs",
];
const SERVICE_ID = /^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/;

const clone = <T>(v: T): T => structuredClone(v);

function defaultContainer(c: Json, i: number): Json {
  const out = clone(c);
  const ports = (out.ports as Json[] | undefined) ?? [];
  if (i === 0 && ports.length === 0) out.ports = [{ name: "http1", containerPort: 8080 }];
  else out.ports = ports.map((p) => ({ name: "http1", containerPort: 8080, ...p }));
  const res = (out.resources as Json | undefined) ?? {};
  out.resources = {
    cpuIdle: true,
    ...res,
    limits: { cpu: "1000m", memory: "512Mi", ...(res.limits as Json) },
  };
  const port = ((out.ports as Json[])[0]?.containerPort as number | undefined) ?? 8080;
  out.startupProbe ??= {
    timeoutSeconds: 240,
    periodSeconds: 240,
    failureThreshold: 1,
    tcpSocket: { port },
  };
  const sp = out.startupProbe as Json;
  sp.timeoutSeconds ??= 1;
  sp.periodSeconds ??= 10;
  sp.failureThreshold ??= 3;
  if (out.livenessProbe) {
    const lp = out.livenessProbe as Json;
    lp.timeoutSeconds ??= 1;
    lp.periodSeconds ??= 10;
    lp.failureThreshold ??= 3;
  }
  return out;
}

/** What Cloud Run fills in on a template it is given. */
function defaultTemplate(world: GcpWorld, t: Json): Json {
  const out = clone(t);
  out.containers = ((out.containers as Json[] | undefined) ?? []).map(defaultContainer);
  out.maxInstanceRequestConcurrency ??= 80;
  out.timeout ??= "300s";
  out.serviceAccount ??= world.defaultServiceAccount();
  out.scaling = { maxInstanceCount: 100, ...(out.scaling as Json) };
  return out;
}

function templateHash(t: Json): string {
  const { revision: _r, ...rest } = t;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex");
}

function serviceUri(name: string, region: string): string {
  const h = createHash("sha256").update(name).digest("hex").slice(0, 10);
  return `https://${name}-${h}-${region.slice(0, 2)}.a.run.app`;
}

export class RunApi {
  constructor(private readonly world: GcpWorld) {}

  get(name: string): Json {
    const s = this.world.services.get(name);
    if (!s)
      throw new GcpFault(
        "NOT_FOUND",
        `Resource '${name.split("/").pop()}' of kind 'SERVICE' in region '${name.split("/")[3]}' in project '${name.split("/")[1]}' does not exist.`,
      );
    return clone(s);
  }

  create(parent: string, serviceId: string | null, body: Json, internal = false) {
    if (!serviceId || (!internal && !SERVICE_ID.test(serviceId)))
      throw new GcpFault("INVALID_ARGUMENT", `service_id must match ${SERVICE_ID.source}`);
    const name = `${parent}/services/${serviceId}`;
    if (this.world.services.has(name))
      throw new GcpFault("ALREADY_EXISTS", `Resource '${serviceId}' already exists.`);
    this.checkTemplate(name, body);
    const region = parent.split("/")[3] ?? "";
    const svc: Json = {
      ...this.writable(body),
      name,
      uid: rand(8) + "-" + rand(4),
      generation: "0",
      createTime: now(),
      creator: "deployer@example.com",
      uri: this.world.knobs.serviceUri?.(serviceId) ?? serviceUri(serviceId, region),
      reconciling: true,
      etag: newEtag(),
    };
    this.defaults(svc);
    this.world.services.set(name, svc);
    return this.operation(name, svc, () => this.rollOut(name));
  }

  update(name: string, body: Json, mask: string[] | undefined, allowMissing: boolean) {
    const have = this.world.services.get(name);
    if (!have) {
      if (allowMissing)
        return this.create(name.replace(/\/services\/[^/]+$/, ""), name.split("/").pop() ?? "", body);
      this.get(name);
    }
    const svc = have as Json;
    if (typeof body.etag === "string" && body.etag !== "" && body.etag !== svc.etag)
      throw new GcpFault(
        "ABORTED",
        `The service ${name} was modified concurrently (etag mismatch); read it again and retry.`,
      );
    if (svc.reconciling)
      throw new GcpFault(
        "ABORTED",
        `Service ${name} is being reconciled by another operation; try again when it finishes.`,
      );
    const incoming = this.writable(body);
    const fields =
      mask && mask.length > 0
        ? mask.map((m) => m.split(".")[0] ?? m)
        : Object.keys({ ...incoming, ...this.writable(svc) });
    const next: Json = clone(svc);
    for (const f of fields) {
      if (READ_ONLY.includes(f) || f === "name") continue;
      if (incoming[f] === undefined) delete next[f];
      else next[f] = clone(incoming[f]);
    }
    this.checkTemplate(name, next);
    this.defaults(next);
    next.reconciling = true;
    next.etag = newEtag();
    next.updateTime = now();
    this.world.services.set(name, next);
    return this.operation(name, next, () => this.rollOut(name));
  }

  delete(name: string, etag: string | null) {
    const svc = this.world.services.get(name);
    if (!svc) this.get(name);
    if (etag && etag !== svc?.etag) throw new GcpFault("ABORTED", `etag mismatch deleting ${name}`);
    const gone = { ...clone(svc as Json), deleteTime: now(), reconciling: true };
    this.world.services.set(name, gone);
    return this.operation(name, gone, () => {
      this.world.services.delete(name);
      this.world.policies.delete(name);
      for (const r of [...this.world.revisions.keys()])
        if (r.startsWith(`${name}/revisions/`)) this.world.revisions.delete(r);
      return gone;
    });
  }

  /** A write another fake API makes on its own (Cloud Functions deploying its service), finished at once. */
  upsertNow(name: string, body: Json): Json {
    const parent = name.replace(/\/services\/[^/]+$/, "");
    const op = this.world.services.has(name)
      ? this.update(name, body, undefined, false)
      : this.create(parent, name.split("/").pop() ?? "", body, true);
    while (!this.world.poll(op.name)?.done);
    if (op.error) throw new GcpFault("FAILED_PRECONDITION", op.error.message);
    return this.get(name);
  }

  revision(name: string): Json {
    const r = this.world.revisions.get(name);
    if (!r) throw new GcpFault("NOT_FOUND", `Revision ${name} does not exist.`);
    return clone(r);
  }

  listRevisions(service: string): Json {
    const revisions = [...this.world.revisions.entries()]
      .filter(([k]) => k.startsWith(`${service}/revisions/`))
      .map(([, v]) => clone(v));
    return { revisions };
  }

  private writable(body: Json): Json {
    const out: Json = {};
    for (const [k, v] of Object.entries(body)) if (!READ_ONLY.includes(k) && k !== "name") out[k] = clone(v);
    return out;
  }

  private defaults(svc: Json): void {
    svc.ingress ??= "INGRESS_TRAFFIC_ALL";
    if (svc.ingress === "INGRESS_TRAFFIC_UNSPECIFIED") svc.ingress = "INGRESS_TRAFFIC_ALL";
    svc.launchStage ??= "GA";
    svc.template = defaultTemplate(this.world, (svc.template as Json | undefined) ?? {});
    const traffic = (svc.traffic as Json[] | undefined) ?? [];
    svc.traffic =
      traffic.length === 0 ? [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }] : traffic;
  }

  private checkTemplate(name: string, svc: Json): void {
    const t = (svc.template as Json | undefined) ?? {};
    const id = name.split("/").pop() ?? "";
    const rev = t.revision;
    if (typeof rev === "string" && rev !== "") {
      if (!rev.startsWith(`${id}-`))
        throw new GcpFault(
          "INVALID_ARGUMENT",
          `template.revision must start with the service name followed by '-': ${id}-`,
        );
      const existing = this.world.revisions.get(`${name}/revisions/${rev}`);
      const have = this.world.services.get(name);
      const haveHash = have ? templateHash(have.template as Json) : undefined;
      if (existing && haveHash !== templateHash(defaultTemplate(this.world, t)))
        throw new GcpFault(
          "ALREADY_EXISTS",
          `Revision named '${rev}' with different configuration already exists.`,
        );
    }
    for (const tt of (svc.traffic as Json[] | undefined) ?? []) {
      if (
        tt.type === "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" &&
        !this.world.revisions.has(`${name}/revisions/${String(tt.revision)}`)
      )
        throw new GcpFault(
          "INVALID_ARGUMENT",
          `Revision '${String(tt.revision)}' referenced in traffic not found.`,
        );
    }
    const total = ((svc.traffic as Json[] | undefined) ?? []).reduce(
      (n, tt) => n + Number(tt.percent ?? 0),
      0,
    );
    if (((svc.traffic as Json[] | undefined) ?? []).length > 0 && total !== 100)
      throw new GcpFault("INVALID_ARGUMENT", `traffic percentages must add up to 100, got ${total}`);
  }

  private operation(name: string, svc: Json, finish: () => Json) {
    const parent = name.replace(/\/services\/[^/]+$/, "");
    return this.world.startOperation(parent, { metadata: SERVICE, response: SERVICE }, clone(svc), finish);
  }

  /** The effect of a finished write: a revision when the template changed, routes, conditions. */
  private rollOut(name: string): Json {
    const svc = this.world.services.get(name);
    if (!svc) throw new GcpFault("NOT_FOUND", `service ${name} vanished`);
    svc.generation = String(Number(svc.generation ?? "0") + 1);
    svc.observedGeneration = svc.generation;
    const t = svc.template as Json;
    const hash = templateHash(t);
    const latest = svc.latestCreatedRevision
      ? this.world.revisions.get(String(svc.latestCreatedRevision))
      : undefined;
    const changed = !latest || latest.templateHash !== hash;
    const id = name.split("/").pop() ?? "";
    let failed: string | undefined;
    if (changed) {
      const revId =
        typeof t.revision === "string" && t.revision !== ""
          ? t.revision
          : `${id}-${String(svc.generation).padStart(5, "0")}-${rand(3)}`;
      const revName = `${name}/revisions/${revId}`;
      const image = String(((t.containers as Json[])[0] ?? {}).image ?? "");
      failed = image.includes(this.world.knobs.failImage ?? ":broken")
        ? `Revision '${revId}' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable.`
        : undefined;
      this.world.revisions.set(revName, {
        name: revName,
        uid: rand(12),
        generation: "1",
        service: name,
        createTime: now(),
        scaling: t.scaling,
        containers: t.containers,
        timeout: t.timeout,
        serviceAccount: t.serviceAccount,
        maxInstanceRequestConcurrency: t.maxInstanceRequestConcurrency,
        conditions: [
          {
            type: "Ready",
            state: failed ? "CONDITION_FAILED" : "CONDITION_SUCCEEDED",
            message: failed ?? "",
            lastTransitionTime: now(),
          },
        ],
        templateHash: hash,
      });
      svc.latestCreatedRevision = revName;
      if (!failed) svc.latestReadyRevision = revName;
    }
    svc.reconciling = false;
    svc.terminalCondition = {
      type: "Ready",
      state: failed ? "CONDITION_FAILED" : "CONDITION_SUCCEEDED",
      ...(failed ? { message: failed, reason: "REVISION_FAILED" } : {}),
      lastTransitionTime: now(),
    };
    svc.conditions = [
      {
        type: "RoutesReady",
        state: failed ? "CONDITION_FAILED" : "CONDITION_SUCCEEDED",
        lastTransitionTime: now(),
      },
      {
        type: "ConfigurationsReady",
        state: failed ? "CONDITION_FAILED" : "CONDITION_SUCCEEDED",
        lastTransitionTime: now(),
      },
    ];
    svc.trafficStatuses = ((svc.traffic as Json[]) ?? []).map((tt) => ({
      type: tt.type,
      percent: tt.percent,
      revision:
        tt.type === "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
          ? String(svc.latestReadyRevision ?? "")
              .split("/")
              .pop()
          : tt.revision,
    }));
    svc.etag = newEtag();
    if (failed) throw new GcpFault("FAILED_PRECONDITION", failed);
    return clone(svc);
  }
}
