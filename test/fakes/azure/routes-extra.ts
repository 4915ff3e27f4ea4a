// Routes of the Azure fake beyond Microsoft.Web and Microsoft.Resources: storage accounts and
// blob containers (Flex Consumption's deployment storage), AKS clusters and their user
// credentials, and a function app's Kudu/OneDeploy endpoint (/__scm/<site>/api/...).

import { createHash } from "node:crypto";
import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import { accepted, armError, key, notFound } from "./world.js";
import type { Dict, FakeWorld, StorageRecord } from "./world.js";

export type Route = [string, RegExp, (w: FakeWorld, req: FakeRequest, m: string[]) => FakeResponse];

const RG = "/subscriptions/([^/]+)/resourcegroups/([^/]+)";
const ACCOUNT = `${RG}/providers/microsoft\\.storage/storageaccounts/([a-z0-9]+)`;
const CLUSTER = `${RG}/providers/microsoft\\.containerservice/managedclusters/([^/]+)`;
const re = (s: string) => new RegExp(`^${s}$`, "i");
const body = (req: FakeRequest) => (req.json ?? {}) as Dict;

function accountBody(a: StorageRecord): Dict {
  return a.body;
}

function putAccount(w: FakeWorld, m: string[], b: Dict): FakeResponse {
  const [sub = "", group = "", name = ""] = m;
  if (!w.groups.has(key(sub, group)))
    return armError(404, "ResourceGroupNotFound", `Resource group '${group}' could not be found.`);
  if (!/^[a-z0-9]{3,24}$/.test(name))
    return armError(400, "AccountNameInvalid", `${name} is not a valid storage account name.`);
  const existing = w.storage.get(name);
  if (
    w.takenStorageNames.has(name) ||
    (existing && key(existing.subscription, existing.group) !== key(sub, group))
  )
    return armError(409, "StorageAccountAlreadyTaken", `The storage account named ${name} is already taken.`);
  const sku = b.sku as { name?: string } | undefined;
  if (typeof b.location !== "string" || !sku?.name || typeof b.kind !== "string")
    return armError(400, "InvalidRequestContent", "location, kind and sku.name are required");
  const id = `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/${name}`;
  const rec: StorageRecord = existing ?? {
    subscription: sub,
    group,
    name,
    location: b.location,
    tags: {},
    body: {},
    containers: new Map(),
  };
  rec.tags = (b.tags as Record<string, string>) ?? {};
  rec.body = {
    id,
    name,
    type: "Microsoft.Storage/storageAccounts",
    location: rec.location,
    kind: b.kind,
    sku: { name: sku.name, tier: sku.name.startsWith("Premium") ? "Premium" : "Standard" },
    tags: rec.tags,
    properties: {
      provisioningState: "Succeeded",
      primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` },
      minimumTlsVersion: ((b.properties ?? {}) as Dict).minimumTlsVersion ?? "TLS1_0",
      allowBlobPublicAccess: ((b.properties ?? {}) as Dict).allowBlobPublicAccess ?? false,
      supportsHttpsTrafficOnly: true,
    },
  };
  w.storage.set(name, rec);
  // Storage answers its create with 202 and a Location to poll; the account body comes from the final GET.
  const r = accepted(w, sub);
  delete r.headers?.["azure-asyncoperation"];
  return r;
}

function withAccount(w: FakeWorld, m: string[], run: (a: StorageRecord) => FakeResponse): FakeResponse {
  const a = w.storage.get(m[2] ?? "");
  if (!a || key(a.subscription, a.group) !== key(m[0] ?? "", m[1] ?? ""))
    return armError(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.Storage/storageAccounts/${m[2] ?? ""}' was not found.`,
    );
  return run(a);
}

/**
 * Lines a Linux site's container printed, as Kudu keeps them: one file per instance
 * (`<date>_<machine>_default_docker.log`), each line "<RFC3339 with 7 fraction digits> <text>".
 */
export function writeDockerLog(
  w: FakeWorld,
  siteName: string,
  machine: string,
  lines: { at: number; text: string }[],
): void {
  const site = w.sites.get(siteName.toLowerCase());
  if (!site) throw new Error(`no site ${siteName}`);
  const logs = (site.dockerLogs ??= []);
  let f = logs.find((x) => x.machine === machine);
  if (!f)
    logs.push((f = { file: `2026_12_07_${machine}_default_docker.log`, machine, lines: [], updated: 0 }));
  for (const l of lines) f.lines.push(`${new Date(l.at).toISOString().replace("Z", "0000Z")} ${l.text}`);
  f.updated = Math.max(f.updated, ...lines.map((l) => l.at));
}

/** GET /api/logs/docker: the current container log files, with hrefs on the Kudu host. */
function dockerLogList(w: FakeWorld, req: FakeRequest, m: string[]): FakeResponse {
  const site = w.sites.get((m[0] ?? "").toLowerCase());
  if (!site) return { status: 404, body: "site not found" };
  const host = req.headers.host ?? "localhost";
  return {
    status: 200,
    body: (site.dockerLogs ?? []).map((f) => ({
      machineName: f.machine,
      lastUpdated: new Date(f.updated).toISOString(),
      size: f.lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0),
      href: `https://${host}/api/vfs/LogFiles/${f.file}`,
      path: `/home/LogFiles/${f.file}`,
    })),
  };
}

/** GET /api/vfs/LogFiles/{file}: the file's text. */
function dockerLogFile(w: FakeWorld, _req: FakeRequest, m: string[]): FakeResponse {
  const site = w.sites.get((m[0] ?? "").toLowerCase());
  const f = site?.dockerLogs?.find((x) => x.file === m[1]);
  if (!f) return { status: 404, body: "file not found" };
  return {
    status: 200,
    headers: { "content-type": "text/plain" },
    body: f.lines.map((l) => `${l}\n`).join(""),
  };
}

/**
 * POST /api/publish (OneDeploy): 202 and a deployment that runs for `deployPolls` status polls.
 * Kudu runs one deployment at a time and answers 409 to another meanwhile; the package only
 * serves once its deployment succeeded.
 */
function publish(w: FakeWorld, req: FakeRequest, m: string[]): FakeResponse {
  const site = w.sites.get((m[0] ?? "").toLowerCase());
  if (!site) return { status: 404, body: "site not found" };
  if (w.kudu.publishFailures > 0) {
    w.kudu.publishFailures--;
    return { status: 503, body: "Service Unavailable (injected)" };
  }
  if (!/zip/.test(req.headers["content-type"] ?? "") || req.body.length < 22)
    return { status: 400, body: "expected a zip body" };
  if (site.deploying)
    return {
      status: 409,
      body: { Message: "There is a deployment currently in progress. Please try again when it completes." },
    };
  const failed = w.kudu.failDeployments > 0;
  if (failed) w.kudu.failDeployments--;
  site.deploying = {
    id: w.nextId(),
    sha256: createHash("sha256").update(req.body).digest("hex"),
    status: failed ? 3 : 4,
    pollsLeft: w.kudu.deployPolls,
  };
  return { status: 202, headers: { location: "/api/deployments/latest" } };
}

function deploymentBody(d: { id: string; sha256: string }, status: number, complete: boolean) {
  const text = ["Pending", "Building", "Deploying", "Failed", "Success"][status] ?? "";
  return { id: d.id, status, complete, status_text: text, message: d.sha256, deployer: "OneDeploy" };
}

/** GET /api/deployments/latest: the running deployment (Building), else the last finished one. */
function latest(w: FakeWorld, m: string[]): FakeResponse {
  const site = w.sites.get((m[0] ?? "").toLowerCase());
  if (!site) return { status: 404, body: "site not found" };
  const d = site.deploying;
  if (d && d.pollsLeft > 0) {
    d.pollsLeft--;
    return { status: 200, body: deploymentBody(d, 1, false) };
  }
  if (d) {
    if (d.status === 4) site.packages.push(d.sha256);
    site.lastDeployment = d;
    site.deploying = undefined;
  }
  const last = site.lastDeployment;
  if (!last) return { status: 404, body: { message: "no deployment" } };
  return { status: 200, body: deploymentBody(last, last.status, true) };
}

export const EXTRA_ROUTES: Route[] = [
  ["PUT", re(ACCOUNT), (w, r, m) => putAccount(w, m, body(r))],
  ["GET", re(ACCOUNT), (w, _r, m) => withAccount(w, m, (a) => ({ status: 200, body: accountBody(a) }))],
  [
    "DELETE",
    re(ACCOUNT),
    (w, _r, m) => {
      const a = w.storage.get(m[2] ?? "");
      if (!a) return { status: 204 };
      w.storage.delete(a.name);
      return { status: 200 };
    },
  ],
  [
    "POST",
    re(`${ACCOUNT}/listkeys`),
    (w, _r, m) =>
      withAccount(w, m, (a) => ({
        status: 200,
        body: {
          keys: [
            { keyName: "key1", value: `fake-key-${a.name}-1==`, permissions: "FULL" },
            { keyName: "key2", value: `fake-key-${a.name}-2==`, permissions: "FULL" },
          ],
        },
      })),
  ],
  [
    "PUT",
    re(`${ACCOUNT}/blobservices/default/containers/([a-z0-9-]+)`),
    (w, r, m) =>
      withAccount(w, m, (a) => {
        const c = {
          id: `${String(a.body.id)}/blobServices/default/containers/${m[3] ?? ""}`,
          name: m[3],
          type: "Microsoft.Storage/storageAccounts/blobServices/containers",
          properties: {
            publicAccess: ((body(r).properties ?? {}) as Dict).publicAccess ?? "None",
            leaseState: "Available",
          },
        };
        a.containers.set(m[3] ?? "", c);
        return { status: 201, body: c };
      }),
  ],
  [
    "GET",
    re(`${ACCOUNT}/blobservices/default/containers/([a-z0-9-]+)`),
    (w, _r, m) =>
      withAccount(w, m, (a) => {
        const c = a.containers.get(m[3] ?? "");
        return c
          ? { status: 200, body: c }
          : armError(404, "ContainerNotFound", "The specified container does not exist.");
      }),
  ],
  [
    "DELETE",
    re(`${ACCOUNT}/blobservices/default/containers/([a-z0-9-]+)`),
    (w, _r, m) =>
      withAccount(w, m, (a) => {
        a.containers.delete(m[3] ?? "");
        return { status: 200 };
      }),
  ],
  [
    "GET",
    re(CLUSTER),
    (w, _r, m) => {
      const c = w.clusters.get(key(m[0] ?? "", m[1] ?? "", m[2] ?? ""));
      return c
        ? { status: 200, body: c.body }
        : notFound("Microsoft.ContainerService/managedClusters", m[2] ?? "");
    },
  ],
  [
    "POST",
    re(`${CLUSTER}/listclusterusercredential`),
    (w, _r, m) => {
      const c = w.clusters.get(key(m[0] ?? "", m[1] ?? "", m[2] ?? ""));
      if (!c) return notFound("Microsoft.ContainerService/managedClusters", m[2] ?? "");
      return {
        status: 200,
        body: { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(c.kubeconfig).toString("base64") }] },
      };
    },
  ],
  ["GET", re("/__scm/([^/]+)/api/logs/docker"), dockerLogList],
  ["GET", re("/__scm/([^/]+)/api/vfs/LogFiles/([^/]+)"), dockerLogFile],
  ["POST", re("/__scm/([^/]+)/api/publish"), publish],
  ["GET", re("/__scm/([^/]+)/api/deployments/latest"), (w, _r, m) => latest(w, m)],
];
