import { resolve } from "node:path";
import { Flags } from "@oclif/core";
import type { CatalogResult } from "../../catalog/run.js";
import { displayPath } from "../../manifest/format.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { loadAll } from "../context.js";
import { fileFlag, stateFlag } from "../flags.js";
import { Stores } from "../stacks.js";

export const DEFAULT_CATALOG_DIR = "catalog";

export const catalogOutFlag = Flags.string({
  char: "o",
  description: `Folder to write into (default ./${DEFAULT_CATALOG_DIR}): <app>/catalog-info.yaml and <app>/<environment>/openapi.yaml.`,
});

export default class CatalogCommand extends BaseCommand<CatalogResult> {
  static override summary =
    "Write each environment's OpenAPI document with its live endpoints, and a Backstage catalog-info.yaml.";
  static override description =
    "For every environment whose service sets openapi (or the one --env names), writes the document " +
    "(external $refs pulled in) with `servers` set to each deployed target's endpoint from the state, one " +
    "server per target, described by target and platform. Beside them, catalog-info.yaml holds Backstage " +
    "entities: a Component (spec.type service) that providesApis one API entity per environment " +
    "(spec.type openapi, spec.definition a $text reference to that environment's document), its links every " +
    'endpoint. spec.owner is service.catalog.owner (default "unknown"); spec.lifecycle is ' +
    "service.catalog.lifecycle, else production for an environment named production, prod, prd or live and " +
    "experimental for the others. An environment with nothing deployed is left out and said so. Reads the " +
    "state only: no cloud call. `deploy --catalog DIR` does the same after a successful deploy.";
  static override examples = [
    "<%= config.bin %> catalog",
    "<%= config.bin %> catalog --env production --out build/catalog",
    "<%= config.bin %> catalog --json | jq '.result.manifests[].catalogInfo'",
  ];
  static override flags = {
    file: fileFlag,
    // Unlike other commands, no --env means every environment: the catalogue describes them all.
    env: Flags.string({
      char: "e",
      description: "Only this environment (default: every environment of the manifest).",
      env: "APISHIP_ENV",
    }),
    state: stateFlag,
    out: catalogOutFlag,
  };

  protected async exec(): Promise<Outcome<CatalogResult>> {
    const { flags } = await this.parse(CatalogCommand);
    const loaded = await loadAll(flags.file, flags.env, { openapi: true });
    loaded.warnings.forEach((w) => this.addWarning(w));
    const stores = new Stores(flags.state);
    try {
      const manifests = loaded.results.map((r) => r.manifest);
      // Imported here: the catalogue code is on no other command's start-up path.
      const { catalogManifests } = await import("../../catalog/run.js");
      const result = await catalogManifests(manifests, stores, resolve(flags.out ?? DEFAULT_CATALOG_DIR));
      for (const m of result.manifests)
        for (const e of m.environments)
          if (e.skipped) this.addWarning(`catalog: ${m.app}/${e.environment} left out: ${e.skipped}`);
      return { result };
    } finally {
      await stores.closeAll();
    }
  }

  protected render(r: CatalogResult): string {
    return renderCatalog(r);
  }
}

/** The human view: each catalog-info.yaml with its entities, each document with its servers. */
export function renderCatalog(r: CatalogResult): string {
  const lines: string[] = [];
  for (const m of r.manifests) {
    if (!m.catalogInfo) {
      lines.push(`${m.app}: nothing written (no environment is deployed with an OpenAPI document)`);
      continue;
    }
    const entities = m.entities.map((e) => `${e.kind} ${e.name}`).join(", ");
    lines.push(`${displayPath(m.catalogInfo)}  ${entities}`);
    for (const e of m.environments) {
      if (!e.document) continue;
      const urls = e.servers.map((s) => s.url).join(", ");
      lines.push(`  ${e.environment}  ${displayPath(e.document)}  servers: ${urls}`);
    }
  }
  return lines.join("\n");
}
