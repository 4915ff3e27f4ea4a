// The DigitalOcean API calls apiship makes, typed from the official OpenAPI (types.ts), on the
// shared fetch client. Every call takes the run's AbortSignal. Paths and bodies follow the
// spec's operations: apps_*, functions_*, droplets_*, reservedIPs_*, actions_get; the Functions
// actions calls go to the namespace's own API host (OpenWhisk's REST API).

import type { HttpClient } from "../_shared/http.js";
import type {
  App,
  AppDeployment,
  CreateAppRequest,
  CreateDeploymentRequest,
  CreateDropletRequest,
  CreateNamespaceRequest,
  CreateReservedIpRequest,
  DoAction,
  Droplet,
  LogsResponse,
  NamespaceInfo,
  ReservedIp,
  ReservedIpActionRequest,
  RollbackAppRequest,
  UpdateAppRequest,
  WhiskAction,
  WhiskActivation,
} from "./types.js";

const PAGE = 200;
const enc = encodeURIComponent;

export class DoApi {
  private readonly hosts = new Map<string, HttpClient>();

  constructor(
    readonly http: HttpClient,
    private readonly hostClient: (baseUrl: string) => HttpClient,
  ) {}

  // ---- App Platform (apps_*) ----
  async listApps(signal: AbortSignal): Promise<App[]> {
    const out: App[] = [];
    for (let page = 1; ; page++) {
      const r = await this.http.request<{ apps?: App[]; links?: { pages?: { next?: string } } }>(
        "GET",
        "/v2/apps",
        {
          query: { page, per_page: PAGE },
          signal,
        },
      );
      out.push(...(r.apps ?? []));
      if (!r.links?.pages?.next || (r.apps ?? []).length === 0) return out;
    }
  }
  async getApp(id: string, signal: AbortSignal): Promise<App> {
    return (await this.http.request<{ app: App }>("GET", `/v2/apps/${enc(id)}`, { signal })).app;
  }
  async createApp(body: CreateAppRequest, signal: AbortSignal): Promise<App> {
    // Not retried blindly: after a 5xx or a lost answer the app may exist. App names are unique
    // in an account, so an app by that name is this create having happened.
    const recover = async () => {
      const app = (await this.listApps(signal)).find((a) => a.spec?.name === body.spec.name);
      return app ? { app } : undefined;
    };
    return (
      await this.http.request<{ app: App }>("POST", "/v2/apps", { body, signal, retry: false, recover })
    ).app;
  }
  async updateApp(id: string, body: UpdateAppRequest, signal: AbortSignal): Promise<App> {
    return (await this.http.request<{ app: App }>("PUT", `/v2/apps/${enc(id)}`, { body, signal })).app;
  }
  async deleteApp(id: string, signal: AbortSignal): Promise<void> {
    await this.http.request("DELETE", `/v2/apps/${enc(id)}`, { signal });
  }
  async getDeployment(appId: string, id: string, signal: AbortSignal): Promise<AppDeployment> {
    const path = `/v2/apps/${enc(appId)}/deployments/${enc(id)}`;
    return (await this.http.request<{ deployment: AppDeployment }>("GET", path, { signal })).deployment;
  }
  /** apps_create_deployment: builds the source branch's head again and deploys it. */
  async createDeployment(
    appId: string,
    body: CreateDeploymentRequest,
    signal: AbortSignal,
  ): Promise<AppDeployment> {
    const path = `/v2/apps/${enc(appId)}/deployments`;
    // Not retried: a retry after a lost answer would start a second build.
    return (
      await this.http.request<{ deployment: AppDeployment }>("POST", path, { body, signal, retry: false })
    ).deployment;
  }
  async rollbackApp(appId: string, body: RollbackAppRequest, signal: AbortSignal): Promise<AppDeployment> {
    const path = `/v2/apps/${enc(appId)}/rollback`;
    return (await this.http.request<{ deployment: AppDeployment }>("POST", path, { body, signal }))
      .deployment;
  }
  async deploymentLogs(
    appId: string,
    deploymentId: string,
    component: string,
    type: "BUILD" | "DEPLOY",
    signal: AbortSignal,
  ): Promise<LogsResponse> {
    const path = `/v2/apps/${enc(appId)}/deployments/${enc(deploymentId)}/components/${enc(component)}/logs`;
    return this.http.request<LogsResponse>("GET", path, { query: { type, follow: false }, signal });
  }

  /** apps_get_logs_active_deployment: links to the active deployment's logs of one component. */
  async activeLogs(
    appId: string,
    component: string,
    type: "BUILD" | "DEPLOY" | "RUN" | "RUN_RESTARTED",
    signal: AbortSignal,
  ): Promise<LogsResponse> {
    const path = `/v2/apps/${enc(appId)}/components/${enc(component)}/logs`;
    return this.http.request<LogsResponse>("GET", path, { query: { type, follow: false }, signal });
  }

  // ---- Functions namespaces (functions_*) ----
  async listNamespaces(signal: AbortSignal): Promise<NamespaceInfo[]> {
    const r = await this.http.request<{ namespaces?: NamespaceInfo[] }>("GET", "/v2/functions/namespaces", {
      signal,
    });
    return r.namespaces ?? [];
  }
  /** `namespaceId` is the namespace's `namespace` field ("fn-<uuid>"), not its uuid. */
  async getNamespace(namespaceId: string, signal: AbortSignal): Promise<NamespaceInfo> {
    const path = `/v2/functions/namespaces/${enc(namespaceId)}`;
    return (await this.http.request<{ namespace: NamespaceInfo }>("GET", path, { signal })).namespace;
  }
  async createNamespace(body: CreateNamespaceRequest, signal: AbortSignal): Promise<NamespaceInfo> {
    // Namespaces are not unique by label: after a 5xx, one with this label in this region is this
    // create having happened, and sending it again would make a second.
    const recover = async () => {
      const ns = (await this.listNamespaces(signal)).find(
        (n) => n.label === body.label && n.region === body.region,
      );
      return ns ? { namespace: ns } : undefined;
    };
    const r = await this.http.request<{ namespace: NamespaceInfo }>("POST", "/v2/functions/namespaces", {
      body,
      signal,
      retry: false,
      recover,
    });
    return r.namespace;
  }
  /** `namespaceId` as for getNamespace: the "fn-<uuid>" id. */
  async deleteNamespace(namespaceId: string, signal: AbortSignal): Promise<void> {
    await this.http.request("DELETE", `/v2/functions/namespaces/${enc(namespaceId)}`, { signal });
  }

  // ---- Functions actions, on the namespace's API host (OpenWhisk) ----
  private host(ns: NamespaceInfo): { c: HttpClient; auth: Record<string, string> } {
    let c = this.hosts.get(ns.api_host);
    if (!c) this.hosts.set(ns.api_host, (c = this.hostClient(ns.api_host)));
    const basic = Buffer.from(`${ns.uuid}:${ns.key}`).toString("base64");
    return { c, auth: { authorization: `Basic ${basic}` } };
  }
  async getAction(ns: NamespaceInfo, name: string, code: boolean, signal: AbortSignal): Promise<WhiskAction> {
    const { c, auth } = this.host(ns);
    const path = `/api/v1/namespaces/${enc(ns.namespace)}/actions/${enc(name)}`;
    return c.request<WhiskAction>("GET", path, { query: { code }, headers: auth, signal });
  }
  async putAction(
    ns: NamespaceInfo,
    name: string,
    action: WhiskAction,
    signal: AbortSignal,
  ): Promise<WhiskAction> {
    const { c, auth } = this.host(ns);
    const path = `/api/v1/namespaces/${enc(ns.namespace)}/actions/${enc(name)}`;
    return c.request<WhiskAction>("PUT", path, {
      query: { overwrite: true },
      body: action,
      headers: auth,
      signal,
    });
  }
  async deleteAction(ns: NamespaceInfo, name: string, signal: AbortSignal): Promise<void> {
    const { c, auth } = this.host(ns);
    await c.request("DELETE", `/api/v1/namespaces/${enc(ns.namespace)}/actions/${enc(name)}`, {
      headers: auth,
      signal,
    });
  }

  /**
   * One page of the namespace's activations of `query.name`, newest first, with their `logs`
   * (OpenWhisk's activations API; DigitalOcean's OpenAPI does not describe the namespace host).
   */
  async listActivations(
    ns: NamespaceInfo,
    query: { name: string; since?: number; limit: number; skip: number },
    signal: AbortSignal,
  ): Promise<WhiskActivation[]> {
    const { c, auth } = this.host(ns);
    const path = `/api/v1/namespaces/${enc(ns.namespace)}/activations`;
    return c.request<WhiskActivation[]>("GET", path, {
      query: { ...query, docs: true },
      headers: auth,
      signal,
    });
  }

  // ---- Droplets (droplets_*) and actions ----
  async listDroplets(tag: string, signal: AbortSignal): Promise<Droplet[]> {
    const r = await this.http.request<{ droplets?: Droplet[] }>("GET", "/v2/droplets", {
      query: { tag_name: tag, per_page: PAGE },
      signal,
    });
    return r.droplets ?? [];
  }
  async getDroplet(id: number, signal: AbortSignal): Promise<Droplet> {
    return (await this.http.request<{ droplet: Droplet }>("GET", `/v2/droplets/${id}`, { signal })).droplet;
  }
  async createDroplet(body: CreateDropletRequest, signal: AbortSignal): Promise<Droplet> {
    // Each Droplet apiship makes has a name of its own (its generation) and the target's tag:
    // after a 5xx, a Droplet by that name under that tag is this create having happened.
    const tag = body.tags?.[0];
    const recover = tag
      ? async () => {
          const droplet = (await this.listDroplets(tag, signal)).find((d) => d.name === body.name);
          return droplet ? { droplet } : undefined;
        }
      : undefined;
    const r = await this.http.request<{ droplet: Droplet }>("POST", "/v2/droplets", {
      body,
      signal,
      retry: false,
      ...(recover ? { recover } : {}),
    });
    return r.droplet;
  }
  async deleteDroplet(id: number, signal: AbortSignal): Promise<void> {
    await this.http.request("DELETE", `/v2/droplets/${id}`, { signal });
  }
  async getActionStatus(id: number, signal: AbortSignal): Promise<DoAction> {
    return (await this.http.request<{ action: DoAction }>("GET", `/v2/actions/${id}`, { signal })).action;
  }

  // ---- Reserved IPs (reservedIPs_*) ----
  async getReservedIp(ip: string, signal: AbortSignal): Promise<ReservedIp> {
    const path = `/v2/reserved_ips/${enc(ip)}`;
    return (await this.http.request<{ reserved_ip: ReservedIp }>("GET", path, { signal })).reserved_ip;
  }
  async createReservedIp(body: CreateReservedIpRequest, signal: AbortSignal): Promise<ReservedIp> {
    const r = await this.http.request<{ reserved_ip: ReservedIp }>("POST", "/v2/reserved_ips", {
      body,
      signal,
      retry: false,
    });
    return r.reserved_ip;
  }
  async deleteReservedIp(ip: string, signal: AbortSignal): Promise<void> {
    await this.http.request("DELETE", `/v2/reserved_ips/${enc(ip)}`, { signal });
  }
  async reservedIpAction(ip: string, body: ReservedIpActionRequest, signal: AbortSignal): Promise<DoAction> {
    const path = `/v2/reserved_ips/${enc(ip)}/actions`;
    return (await this.http.request<{ action: DoAction }>("POST", path, { body, signal })).action;
  }
}
