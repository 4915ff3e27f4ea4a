// The Firebase Hosting v1beta1 methods apiship calls, with the rules the real service applies:
// site ids are global DNS labels, a version is CREATED then FINALIZED (only once, and only when
// every populated file was uploaded), only a FINALIZED version of the same site may be released,
// a SITE_DISABLE release names no version, re-releasing an older version is a ROLLBACK, the
// default site cannot be deleted. Bodies are checked against the discovery document.

import { createHash } from "node:crypto";
import { validate } from "./discovery.js";
import type { Json, HostingWorld } from "./world.js";
import { HostingFault, hex, now } from "./world.js";

const SITE_ID = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function body(schema: string, json: unknown): Json {
  const v = json ?? {};
  const problems = validate(schema, v);
  if (problems.length > 0)
    throw new HostingFault("INVALID_ARGUMENT", `Invalid JSON payload received. ${problems.join("; ")}`);
  return v as Json;
}

function checkRewrites(config: Json | undefined): void {
  for (const [i, r] of ((config?.rewrites as Json[] | undefined) ?? []).entries()) {
    const patterns = ["glob", "regex"].filter((k) => r[k] !== undefined);
    const targets = ["function", "run", "path", "dynamicLinks"].filter((k) => r[k] !== undefined);
    if (patterns.length !== 1)
      throw new HostingFault(
        "INVALID_ARGUMENT",
        `config.rewrites[${i}]: exactly one of glob or regex is required`,
      );
    if (targets.length !== 1)
      throw new HostingFault(
        "INVALID_ARGUMENT",
        `config.rewrites[${i}]: exactly one destination is required`,
      );
    const run = r.run as Json | undefined;
    if (run && typeof run.serviceId !== "string")
      throw new HostingFault("INVALID_ARGUMENT", `config.rewrites[${i}].run.serviceId is required`);
  }
}

export class HostingApi {
  constructor(private readonly world: HostingWorld) {}

  getSite(project: string, id: string): Json {
    this.world.ensureProject(project);
    return this.world.site(id, project).site;
  }

  /** projects.sites.list (ListSitesResponse): a page of pageSize sites, the token an offset. */
  listSites(project: string, pageSize: string | null = null, pageToken: string | null = null): Json {
    this.world.ensureProject(project);
    const all = [...this.world.sites.values()].filter((r) => r.project === project).map((r) => r.site);
    const size = Number(pageSize ?? 0) || all.length || 1;
    const from = Number(pageToken ?? 0) || 0;
    const out: Json = { sites: all.slice(from, from + size) };
    if (from + size < all.length) out.nextPageToken = String(from + size);
    return out;
  }

  createSite(project: string, siteId: string | null, json: unknown): Json {
    this.world.ensureProject(project);
    const b = body("Site", json);
    const fail = this.world.knobs.failSiteCreate;
    if (fail) throw new HostingFault(fail, `site creation refused (${fail})`);
    if (!siteId) throw new HostingFault("INVALID_ARGUMENT", "siteId is required");
    if (!SITE_ID.test(siteId))
      throw new HostingFault(
        "INVALID_ARGUMENT",
        `Invalid site id ${siteId}: it must be a valid domain name label`,
      );
    if (this.world.sites.has(siteId))
      throw new HostingFault("ALREADY_EXISTS", `Site ${siteId} already exists`);
    return this.world.addSite(project, siteId, "USER_SITE", (b.labels as Record<string, string>) ?? {}).site;
  }

  deleteSite(project: string, id: string): Json {
    const r = this.world.site(id, project);
    if (r.site.type === "DEFAULT_SITE")
      throw new HostingFault("FAILED_PRECONDITION", "The default Hosting site cannot be deleted.");
    this.world.sites.delete(id);
    return {};
  }

  createVersion(site: string, json: unknown): Json {
    const r = this.world.site(site);
    const b = body("Version", json);
    checkRewrites(b.config as Json | undefined);
    const v: Json = {
      name: `sites/${site}/versions/${hex(8)}`,
      status: "CREATED",
      config: b.config ?? {},
      ...(b.labels ? { labels: b.labels } : {}),
      createTime: now(),
      createUser: { email: "deployer@example.com" },
    };
    r.versions.set(String(v.name), v);
    return v;
  }

  private version(name: string): { rec: ReturnType<HostingWorld["site"]>; v: Json } {
    const site = /^sites\/([^/]+)\/versions\/[^/]+$/.exec(name)?.[1] ?? "";
    const rec = this.world.site(site);
    const v = rec.versions.get(name);
    if (!v) throw new HostingFault("NOT_FOUND", `Version ${name} was not found.`);
    return { rec, v };
  }

  getVersion(name: string): Json {
    return this.version(name).v;
  }

  populateFiles(name: string, json: unknown): Json {
    const { rec, v } = this.version(name);
    if (v.status !== "CREATED")
      throw new HostingFault("FAILED_PRECONDITION", `Version ${name} is ${String(v.status)}, not CREATED.`);
    const files =
      (body("PopulateVersionFilesRequest", json).files as Record<string, string> | undefined) ?? {};
    const mine = rec.files.get(name) ?? new Map<string, string>();
    for (const [path, hash] of Object.entries(files)) {
      if (hash === "") mine.delete(path);
      else mine.set(path, hash);
    }
    rec.files.set(name, mine);
    const required = [...new Set(mine.values())].filter((h) => !rec.uploaded.has(h));
    return { uploadRequiredHashes: required, uploadUrl: `${this.world.baseUrl}/upload/${name}/files` };
  }

  upload(name: string, hash: string, bytes: Buffer): void {
    const { rec } = this.version(name);
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== hash)
      throw new HostingFault("INVALID_ARGUMENT", `content hash ${actual} does not match ${hash}`);
    rec.uploaded.add(hash);
  }

  patchVersion(name: string, json: unknown, mask: string | null): Json {
    const { rec, v } = this.version(name);
    const b = body("Version", json);
    if (!mask?.split(",").includes("status"))
      throw new HostingFault("INVALID_ARGUMENT", "update_mask must name status");
    if (b.status !== "FINALIZED")
      throw new HostingFault("INVALID_ARGUMENT", `cannot set status ${String(b.status)}`);
    if (v.status !== "CREATED")
      throw new HostingFault("FAILED_PRECONDITION", `Version ${name} is ${String(v.status)}, not CREATED.`);
    const files = rec.files.get(name) ?? new Map<string, string>();
    const missing = [...files.values()].filter((h) => !rec.uploaded.has(h));
    if (missing.length > 0)
      throw new HostingFault("FAILED_PRECONDITION", `${missing.length} file(s) of ${name} were not uploaded`);
    Object.assign(v, {
      status: "FINALIZED",
      finalizeTime: now(),
      fileCount: String(files.size),
      versionBytes: "0",
    });
    return v;
  }

  createRelease(site: string, versionName: string | null, json: unknown): Json {
    const rec = this.world.site(site);
    const b = body("Release", json);
    const base = {
      name: `sites/${site}/releases/${Date.now()}${hex(3)}`,
      releaseTime: now(),
      releaseUser: { email: "deployer@example.com" },
    };
    if (b.type === "SITE_DISABLE") {
      if (versionName)
        throw new HostingFault("INVALID_ARGUMENT", "versionName must be empty for a SITE_DISABLE release");
      const r = { ...base, type: "SITE_DISABLE", ...(b.message ? { message: b.message } : {}) };
      rec.releases.unshift(r);
      return r;
    }
    if (b.type !== undefined)
      throw new HostingFault("INVALID_ARGUMENT", "type may only be set to SITE_DISABLE");
    if (!versionName) throw new HostingFault("INVALID_ARGUMENT", "versionName is required");
    if (!versionName.startsWith(`sites/${site}/versions/`))
      throw new HostingFault(
        "INVALID_ARGUMENT",
        `versionName ${versionName} is not a version of site ${site}`,
      );
    const v = this.version(versionName).v;
    if (v.status !== "FINALIZED")
      throw new HostingFault("FAILED_PRECONDITION", `Version ${versionName} is not FINALIZED.`);
    const again = rec.releases.some((r) => (r.version as Json | undefined)?.name === versionName);
    const r = {
      ...base,
      type: again ? "ROLLBACK" : "DEPLOY",
      version: structuredClone(v),
      ...(b.message ? { message: b.message } : {}),
    };
    rec.releases.unshift(r);
    return r;
  }

  listReleases(site: string, pageSize: string | null, pageToken: string | null): Json {
    const rec = this.world.site(site);
    const size = Math.min(Math.max(Number(pageSize ?? 100) || 100, 1), 100);
    const from = Number(pageToken ?? 0) || 0;
    const page = rec.releases.slice(from, from + size);
    return {
      releases: page,
      ...(from + size < rec.releases.length ? { nextPageToken: String(from + size) } : {}),
    };
  }
}
