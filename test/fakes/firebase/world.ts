// The state of the fake Firebase Hosting control plane: sites (globally unique ids, one
// DEFAULT_SITE per project named after it), their versions (CREATED → FINALIZED), the files a
// version was populated with and the content uploaded, and the releases, newest first.
// Google's JSON error envelope; output-only fields set by the server as the real one does.

import { randomBytes } from "node:crypto";
import type { FakeResponse, FaultKnobs } from "../_shared/server.js";

export type Json = Record<string, unknown>;

export interface HostingKnobs extends FaultKnobs {
  /** Answer every projects.sites.create with this error status (e.g. "PERMISSION_DENIED"). */
  failSiteCreate?: string;
}

const STATUS_HTTP: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
};

export class HostingFault extends Error {
  constructor(
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorResponse(
  status: string,
  message: string,
  headers?: Record<string, string>,
): FakeResponse {
  const code = STATUS_HTTP[status] ?? 500;
  const r: FakeResponse = { status: code, body: { error: { code, message, status } } };
  if (headers) r.headers = headers;
  return r;
}

export interface SiteRecord {
  project: string;
  site: Json;
  versions: Map<string, Json>;
  /** version name → path → hash, from populateFiles. */
  files: Map<string, Map<string, string>>;
  /** Content hashes uploaded to this site. */
  uploaded: Set<string>;
  /** Newest first, as releases.list returns them. */
  releases: Json[];
}

/** Project ids → numbers, as the Firebase Management API would report them. */
const numberOf = (project: string): string =>
  String(
    100000000000 +
      (Array.from(project).reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 899999999999, 7) % 899999999999),
  );

export const now = (): string => new Date().toISOString();
export const hex = (n: number): string => randomBytes(n).toString("hex");

export class HostingWorld {
  readonly sites = new Map<string, SiteRecord>();
  /** Base URL of the fake: a site's defaultUrl is <baseUrl>/__hosting/<site> (its "CDN"). */
  baseUrl = "";

  constructor(public knobs: HostingKnobs) {}

  /** A project gets its DEFAULT_SITE (the project id, when free) on first use. */
  ensureProject(project: string): void {
    for (const r of this.sites.values()) if (r.project === project && r.site.type === "DEFAULT_SITE") return;
    const id = this.sites.has(project) ? `${project}-${hex(2)}` : project;
    this.addSite(project, id, "DEFAULT_SITE");
  }

  addSite(
    project: string,
    id: string,
    type: "DEFAULT_SITE" | "USER_SITE",
    labels: Record<string, string> = {},
  ): SiteRecord {
    const rec: SiteRecord = {
      project,
      site: {
        name: `projects/${numberOf(project)}/sites/${id}`,
        defaultUrl: `${this.baseUrl}/__hosting/${id}`,
        type,
        ...(Object.keys(labels).length > 0 ? { labels } : {}),
      },
      versions: new Map(),
      files: new Map(),
      uploaded: new Set(),
      releases: [],
    };
    this.sites.set(id, rec);
    return rec;
  }

  /** The site, if it is in `project` (another project's site is not found, as for the caller). */
  site(id: string, project?: string): SiteRecord {
    const r = this.sites.get(id);
    if (!r || (project !== undefined && r.project !== project))
      throw new HostingFault("NOT_FOUND", "Requested entity was not found.");
    return r;
  }

  /** What the site serves now: the newest release, unless it disabled the site. */
  live(id: string): Json | undefined {
    const r = this.sites.get(id)?.releases[0];
    return r && r.type !== "SITE_DISABLE" ? r : undefined;
  }
}
