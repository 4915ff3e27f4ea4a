// Matching a concrete request path to the document's `paths`: templates (`/pets/{id}`) and the
// base path each `servers` entry puts in front of them (`servers: [{ url: /v1 }]` serves
// `/pets` at `/v1/pets`). Shared by the health-path warning, the smoke calls and the catalogue.

import { isRecord } from "./values.js";

/** `/pets/{id}.json` → a regex matching `/pets/7.json`; a template variable never spans a `/`. */
function templateRegex(template: string): RegExp {
  const parts = template
    .split(/(\{[^}/]+\})/)
    .map((p) => (/^\{[^}/]+\}$/.test(p) ? "[^/]+" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  return new RegExp(`^${parts.join("")}$`);
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

export function templateMatches(template: string, path: string): boolean {
  return templateRegex(trimSlash(template)).test(trimSlash(path));
}

/** A server URL with its `{variables}` set to their defaults (the values a client starts with). */
export function expandServerUrl(server: unknown): string | undefined {
  if (!isRecord(server) || typeof server.url !== "string") return undefined;
  const vars = isRecord(server.variables) ? server.variables : {};
  return server.url.replace(/\{([^}]+)\}/g, (m, name: string) => {
    const v = vars[name];
    return isRecord(v) && typeof v.default === "string" ? v.default : m;
  });
}

/** The path part of a server URL, relative or absolute, without its trailing slash: `/v1`, or "". */
export function basePathOf(url: string): string {
  try {
    const path = new URL(url, "http://apiship.invalid").pathname;
    return decodeURI(path).replace(/\/+$/, "");
  } catch {
    return "";
  }
}

/** Every base path the document's servers give; "" (the root) always among them. */
export function basePaths(doc: unknown): string[] {
  const servers = isRecord(doc) && Array.isArray(doc.servers) ? doc.servers : [];
  const bases = servers.map(expandServerUrl).flatMap((u) => (u === undefined ? [] : [basePathOf(u)]));
  return [...new Set(["", ...bases])];
}

/** The base path of the first server: where the deployed service is expected to serve `paths`. */
export function primaryBasePath(doc: unknown): string {
  const servers = isRecord(doc) && Array.isArray(doc.servers) ? doc.servers : [];
  const url = expandServerUrl(servers[0]);
  return url === undefined ? "" : basePathOf(url);
}

/** The `paths` key a request path is served by, under any server base path, if any. */
export function findPathTemplate(doc: unknown, requestPath: string): string | undefined {
  const paths = isRecord(doc) && isRecord(doc.paths) ? Object.keys(doc.paths) : [];
  const path = requestPath.split(/[?#]/)[0] ?? "";
  for (const base of basePaths(doc)) {
    if (base !== "" && path !== base && !path.startsWith(`${base}/`)) continue;
    const rest = path.slice(base.length) || "/";
    const hit = paths.find((t) => templateMatches(t, rest));
    if (hit !== undefined) return hit;
  }
  return undefined;
}
