// Writing the catalogue of one manifest (issue 23 item 2):
//   <out>/<app>/<environment>/openapi.yaml   the document (external $refs pulled in), its
//                                            `servers` the environment's live endpoints
//   <out>/<app>/catalog-info.yaml            Backstage: the Component, then one API per
//                                            environment, as `---`-separated YAML documents
// Environments without service.openapi or without a deployed endpoint are left out and said so.

import { mkdir, writeFile } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { stringify } from "yaml";
import { healthUrl } from "../apply/health.js";
import type { Access, Stack } from "../manifest/types.js";
import { primaryBasePath } from "../openapi/paths.js";
import type { JsonRecord } from "../openapi/values.js";
import { isRecord } from "../openapi/values.js";
import type { TargetRecord } from "../state/store.js";
import type { EnvironmentEntry, LiveServer } from "./entities.js";
import { apiEntity, componentEntity } from "./entities.js";
import type { ServerAccess } from "./security.js";
import { serverAccess } from "./security.js";

export interface CatalogStack {
  stack: Stack;
  /** The stack's recorded targets (the state); those with an endpoint are its live servers. */
  records: TargetRecord[];
}

export interface CatalogEnvironment {
  environment: string;
  /** The OpenAPI document written for it; absent when it was left out. */
  document?: string;
  servers: LiveServer[];
  /** Why it was left out. */
  skipped?: string;
}

export interface CatalogManifest {
  app: string;
  /** catalog-info.yaml; absent when no environment could be catalogued. */
  catalogInfo?: string;
  entities: { kind: string; name: string }[];
  environments: CatalogEnvironment[];
}

const yaml = (value: unknown) => stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 });

/** A live server with what its platform enforces on callers. */
export type AccessServer = LiveServer & { access?: ServerAccess };

function liveServers(records: readonly TargetRecord[], basePath: string, access: Access): AccessServer[] {
  return records
    .filter((r) => r.endpoint !== undefined)
    .sort((a, b) => (a.target < b.target ? -1 : 1))
    .map((r) => ({
      target: r.target,
      platform: r.platform,
      url: basePath ? healthUrl(r.endpoint ?? "", basePath) : (r.endpoint ?? ""),
      access: serverAccess(r.platform, access, r.endpoint, r.outputs),
    }));
}

/**
 * The document with `servers` naming where each target of the environment serves it, and what
 * each enforces: its scheme in components.securitySchemes (named on the server by
 * `x-apiship-security`), `x-internal: true` where only a network reaches it. When every server
 * takes a scheme and the document asks for none itself, `security` lists them as alternatives,
 * since OpenAPI has no per-server security. A scheme the document already defines by that name
 * is left as written.
 */
export function withServers(
  doc: JsonRecord,
  environment: string,
  servers: readonly AccessServer[],
): JsonRecord {
  const out: JsonRecord = {
    ...doc,
    servers: servers.map((s) => {
      const a = s.access ?? {};
      const description = `${s.target} (${s.platform}), ${environment}${a.note ? `; ${a.note}` : ""}`;
      return {
        url: s.url,
        description,
        ...(a.internal ? { "x-internal": true } : {}),
        ...(a.scheme ? { "x-apiship-security": a.scheme.name } : {}),
      };
    }),
  };
  const schemes = servers.flatMap((s) => (s.access?.scheme ? [s.access.scheme] : []));
  if (schemes.length === 0) return out;
  const components = isRecord(doc.components) ? doc.components : {};
  const written = isRecord(components.securitySchemes) ? components.securitySchemes : {};
  out.components = {
    ...components,
    securitySchemes: { ...Object.fromEntries(schemes.map((s) => [s.name, s.value])), ...written },
  };
  if (doc.security === undefined && schemes.length === servers.length) {
    const names = [...new Set(schemes.map((s) => s.name))];
    out.security = names.map((n) => ({ [n]: [] }));
  }
  return out;
}

type Bundled = { bundled: JsonRecord };

/** Writes one manifest's catalogue under `out`; documents are read once however many environments share one. */
export async function writeCatalog(
  app: string,
  stacks: readonly CatalogStack[],
  out: string,
  load: (file: string) => Promise<Bundled>,
): Promise<CatalogManifest> {
  const dir = resolve(out, app);
  const cache = new Map<string, Promise<Bundled>>();
  const entries: EnvironmentEntry[] = [];
  const environments: CatalogEnvironment[] = [];
  for (const { stack, records } of stacks) {
    const rel = stack.service.openapi;
    const env = stack.environment;
    if (rel === undefined) {
      environments.push({ environment: env, servers: [], skipped: "it has no service.openapi" });
      continue;
    }
    const file = resolve(stack.baseDir ?? ".", rel);
    if (!cache.has(file)) cache.set(file, load(file));
    const { bundled } = await (cache.get(file) as Promise<Bundled>);
    const servers = liveServers(records, primaryBasePath(bundled), stack.service.access);
    if (servers.length === 0) {
      environments.push({
        environment: env,
        servers,
        skipped: "nothing of it is deployed (no endpoint in the state)",
      });
      continue;
    }
    const name = `openapi${extname(rel).toLowerCase() === ".json" ? ".json" : ".yaml"}`;
    const document = join(dir, env, name);
    const doc = withServers(bundled, env, servers);
    await mkdir(join(dir, env), { recursive: true });
    await writeFile(document, name.endsWith(".json") ? `${JSON.stringify(doc, null, 2)}\n` : yaml(doc));
    const info = isRecord(bundled.info) ? bundled.info : {};
    entries.push({
      environment: env,
      catalog: stack.service.catalog ?? {},
      title: typeof info.title === "string" ? info.title : app,
      ...(typeof info.description === "string" ? { description: info.description } : {}),
      servers,
      definitionPath: `./${env}/${name}`,
    });
    const plain = servers.map(({ target, platform, url }) => ({ target, platform, url }));
    environments.push({ environment: env, document, servers: plain });
  }
  if (entries.length === 0) return { app, entities: [], environments };
  const entities = [componentEntity(app, entries), ...entries.map((e) => apiEntity(app, e))];
  const catalogInfo = join(dir, "catalog-info.yaml");
  await writeFile(catalogInfo, entities.map(yaml).join("---\n"));
  return {
    app,
    catalogInfo,
    entities: entities.map((e) => ({ kind: e.kind, name: e.metadata.name })),
    environments,
  };
}
