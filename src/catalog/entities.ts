// The Backstage entities of `apiship catalog` (issue 23 item 2), as plain data: one `API` entity
// per environment (spec.type openapi, its definition the environment's OpenAPI document with the
// live servers, by a `$text` placeholder the catalogue resolves relative to catalog-info.yaml)
// and one `Component` (spec.type service) that provides them, its links every endpoint of every
// environment. Pure: the caller reads the state and writes the files.

import { createHash } from "node:crypto";
import type { CatalogSpec } from "../manifest/types.js";

export const BACKSTAGE_API_VERSION = "backstage.io/v1alpha1";
/** spec.owner when service.catalog.owner is not set: says plainly that nobody was named. */
export const DEFAULT_OWNER = "unknown";
/** Environments whose name says production are catalogued as such; others as experimental. */
const PRODUCTION_NAMES = /^(production|prod|prd|live)$/i;

export interface LiveServer {
  target: string;
  platform: string;
  /** The endpoint with the document's base path: what goes into `servers`. */
  url: string;
}

export interface EnvironmentEntry {
  environment: string;
  catalog: CatalogSpec;
  /** The document's info.title and info.description. */
  title: string;
  description?: string;
  servers: LiveServer[];
  /** The written document, relative to catalog-info.yaml (`./production/openapi.yaml`). */
  definitionPath: string;
}

export type Entity = {
  apiVersion: string;
  kind: "API" | "Component";
  metadata: Record<string, unknown> & { name: string };
  spec: Record<string, unknown>;
};

export function lifecycleOf(environment: string, catalog: CatalogSpec): string {
  return catalog.lifecycle ?? (PRODUCTION_NAMES.test(environment) ? "production" : "experimental");
}

/**
 * A Backstage entity name (letters, digits and `-_.` between them, at most 63 characters): the
 * app and environment names already are; one too long is cut with a stable hash appended.
 */
export function entityName(...parts: string[]): string {
  const name = parts.join("-");
  if (name.length <= 63) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${name.slice(0, 56).replace(/[-_.]+$/, "")}-${hash}`;
}

function links(e: EnvironmentEntry): Record<string, string>[] {
  return e.servers.map((s) => ({
    url: s.url,
    title: `${e.environment}: ${s.target} (${s.platform})`,
    type: "endpoint",
  }));
}

function owned(catalog: CatalogSpec): Record<string, string> {
  return { owner: catalog.owner ?? DEFAULT_OWNER, ...(catalog.system ? { system: catalog.system } : {}) };
}

export function apiEntity(app: string, e: EnvironmentEntry): Entity {
  return {
    apiVersion: BACKSTAGE_API_VERSION,
    kind: "API",
    metadata: {
      name: entityName(app, e.environment),
      title: `${e.title} (${e.environment})`,
      ...(e.description ? { description: e.description } : {}),
      annotations: { "apiship.dev/stack": `${app}/${e.environment}` },
      links: links(e),
    },
    spec: {
      type: "openapi",
      lifecycle: lifecycleOf(e.environment, e.catalog),
      ...owned(e.catalog),
      definition: { $text: e.definitionPath },
    },
  };
}

/** The service itself; its lifecycle is the most mature of its environments'. */
export function componentEntity(app: string, entries: readonly EnvironmentEntry[]): Entity {
  const lifecycles = entries.map((e) => lifecycleOf(e.environment, e.catalog));
  const first = entries[0];
  const catalog = entries.find((e) => e.catalog.owner !== undefined)?.catalog ?? first?.catalog ?? {};
  return {
    apiVersion: BACKSTAGE_API_VERSION,
    kind: "Component",
    metadata: {
      name: entityName(app),
      ...(first ? { title: first.title } : {}),
      ...(first?.description ? { description: first.description } : {}),
      annotations: { "apiship.dev/app": app },
      links: entries.flatMap(links),
    },
    spec: {
      type: "service",
      lifecycle: lifecycles.includes("production") ? "production" : (lifecycles[0] ?? "experimental"),
      ...owned(catalog),
      providesApis: entries.map((e) => `api:${entityName(app, e.environment)}`),
    },
  };
}
