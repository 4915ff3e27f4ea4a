// How openapi.json beside this file was made (run once; the fake reads the JSON, not YAML, so
// starting it costs milliseconds): from the official DigitalOcean OpenAPI in
// api-specs/digitalocean, every path of the subset file plus the reserved-IP paths of the
// bundled file, with the request-body schema of each operation and every component schema they
// reach. `node test/fakes/digitalocean/extract-openapi.mjs <api-specs/digitalocean>`
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const dir = process.argv[2] ?? "/work/shared/api-specs/digitalocean";
const subset = parse(readFileSync(join(dir, "DigitalOcean-public.v2.subset.yaml"), "utf8"));
const bundled = parse(readFileSync(join(dir, "DigitalOcean-public.v2.bundled.yaml"), "utf8"));

const paths = {};
const take = (doc, filter) => {
  for (const [p, item] of Object.entries(doc.paths)) {
    if (!filter(p)) continue;
    for (const [m, op] of Object.entries(item)) {
      const schema = op?.requestBody?.content?.["application/json"]?.schema;
      (paths[p] ??= {})[m.toUpperCase()] = { operationId: op.operationId, ...(schema ? { schema } : {}) };
    }
  }
};
take(subset, () => true);
take(bundled, (p) => p.startsWith("/v2/reserved_ips"));

const schemas = {};
const visit = (v) => {
  if (Array.isArray(v)) return v.forEach(visit);
  if (typeof v !== "object" || v === null) return;
  for (const [k, x] of Object.entries(v)) {
    if (k === "$ref" && typeof x === "string" && x.startsWith("#/components/schemas/")) {
      const name = x.slice("#/components/schemas/".length);
      if (!(name in schemas)) {
        schemas[name] = bundled.components.schemas[name] ?? subset.components.schemas[name];
        visit(schemas[name]);
      }
    } else visit(x);
  }
};
visit(paths);
// Response schemas the fake's own answers are checked against in its tests.
for (const n of ["app", "apps_deployment", "droplet", "namespace_info", "reserved_ip"]) {
  schemas[n] ??= bundled.components.schemas[n];
  visit(schemas[n]);
}
// Documentation keywords go; a property that happens to be named like one (inside
// `properties`) stays.
const DOCS = new Set(["description", "example", "examples", "title"]);
const strip = (v, inProperties = false) => {
  if (Array.isArray(v)) return v.map((x) => strip(x));
  if (typeof v !== "object" || v === null) return v;
  const o = {};
  for (const [k, x] of Object.entries(v))
    if (inProperties || !DOCS.has(k)) o[k] = strip(x, !inProperties && k === "properties");
  return o;
};
writeFileSync(
  new URL("./openapi.json", import.meta.url),
  `${JSON.stringify({ source: "digitalocean/openapi@7c1300c4 (see SOURCES.md of api-specs/digitalocean)", paths, schemas: strip(schemas) })}\n`,
);
