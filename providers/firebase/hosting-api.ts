// The Firebase Hosting REST API (v1beta1, firebasehosting-v1beta1.json) calls apiship makes,
// typed from the discovery document. Sites are addressed as projects/{p}/sites/{s} (site CRUD),
// versions and releases as sites/{s}/... (as firebase-tools does). No SDK: a fetch client
// (providers/_shared/http.ts) with Google's bearer token, built in clients.ts.

import type { HttpClient } from "../_shared/http.js";

/** Rewrite.run (CloudRunRewrite). */
export interface CloudRunRewrite {
  serviceId: string;
  region?: string;
  tag?: string;
}

/** Rewrite, the fields apiship sets (glob or regex, one destination). */
export interface Rewrite {
  glob?: string;
  regex?: string;
  run?: CloudRunRewrite;
  function?: string;
  functionRegion?: string;
  path?: string;
  dynamicLinks?: boolean;
}

export interface ServingConfig {
  rewrites?: Rewrite[];
  [k: string]: unknown;
}

export type VersionStatus =
  "VERSION_STATUS_UNSPECIFIED" | "CREATED" | "FINALIZED" | "DELETED" | "ABANDONED" | "EXPIRED" | "CLONING";

export interface Version {
  name: string;
  status: VersionStatus;
  config?: ServingConfig;
  labels?: Record<string, string>;
  createTime?: string;
  finalizeTime?: string;
  fileCount?: string;
}

export type ReleaseType = "TYPE_UNSPECIFIED" | "DEPLOY" | "ROLLBACK" | "SITE_DISABLE";

export interface Release {
  name: string;
  type?: ReleaseType;
  message?: string;
  releaseTime?: string;
  version?: Version;
}

export interface Site {
  name: string;
  defaultUrl?: string;
  appId?: string;
  labels?: Record<string, string>;
  type?: "TYPE_UNSPECIFIED" | "DEFAULT_SITE" | "USER_SITE";
}

const V = "/v1beta1";

export class HostingApi {
  constructor(
    private readonly http: HttpClient,
    private readonly signal?: AbortSignal,
  ) {}

  private opts<T extends object>(o: T, signal?: AbortSignal): T & { signal?: AbortSignal } {
    const s = signal ?? this.signal;
    return s ? { ...o, signal: s } : o;
  }

  getSite(project: string, site: string, signal?: AbortSignal): Promise<Site> {
    return this.http.request<Site>("GET", `${V}/projects/${project}/sites/${site}`, this.opts({}, signal));
  }

  /** projects.sites.list, one page (`apiship doctor`: the project answers for Hosting). */
  async listSites(project: string, pageSize: number, signal?: AbortSignal): Promise<Site[]> {
    const r = await this.http.request<{ sites?: Site[] }>(
      "GET",
      `${V}/projects/${project}/sites`,
      this.opts({ query: { pageSize } }, signal),
    );
    return r?.sites ?? [];
  }

  /** projects.sites.create. A retried POST that had already succeeded answers 409, which hosting.ts adopts. */
  createSite(
    project: string,
    site: string,
    labels: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Site> {
    return this.http.request<Site>(
      "POST",
      `${V}/projects/${project}/sites`,
      this.opts({ query: { siteId: site }, body: { labels } }, signal),
    );
  }

  async deleteSite(project: string, site: string, signal?: AbortSignal): Promise<void> {
    await this.http.request("DELETE", `${V}/projects/${project}/sites/${site}`, this.opts({}, signal));
  }

  /** Newest first; the first one is what the site serves. */
  async listReleases(site: string, pageSize: number, signal?: AbortSignal): Promise<Release[]> {
    const r = await this.http.request<{ releases?: Release[] }>(
      "GET",
      `${V}/sites/${site}/releases`,
      this.opts({ query: { pageSize } }, signal),
    );
    return r?.releases ?? [];
  }

  createVersion(
    site: string,
    config: ServingConfig,
    labels: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Version> {
    return this.http.request<Version>(
      "POST",
      `${V}/sites/${site}/versions`,
      this.opts({ body: { config, labels } }, signal),
    );
  }

  /** PATCH status=FINALIZED: the version can no longer change and may be released. */
  finalizeVersion(version: string, signal?: AbortSignal): Promise<Version> {
    return this.http.request<Version>(
      "PATCH",
      `${V}/${version}`,
      this.opts({ query: { updateMask: "status" }, body: { status: "FINALIZED" } }, signal),
    );
  }

  createRelease(site: string, version: string, message: string, signal?: AbortSignal): Promise<Release> {
    return this.http.request<Release>(
      "POST",
      `${V}/sites/${site}/releases`,
      this.opts({ query: { versionName: version }, body: { message } }, signal),
    );
  }

  /** A SITE_DISABLE release: the site serves nothing, as `firebase hosting:disable` does. */
  disableSite(site: string, signal?: AbortSignal): Promise<Release> {
    return this.http.request<Release>(
      "POST",
      `${V}/sites/${site}/releases`,
      this.opts({ body: { type: "SITE_DISABLE", message: "disabled by apiship destroy" } }, signal),
    );
  }
}
