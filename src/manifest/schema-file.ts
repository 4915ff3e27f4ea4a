// The text of schema/apiship.schema.json. One function renders it for `apiship schema`, the
// regeneration script and the staleness test, so the three can never disagree.

import type { Registry } from "../core/registry.js";
import { buildJsonSchema } from "./schema.js";

export const SCHEMA_FILE = "schema/apiship.schema.json";

/** Stable JSON: 2-space indent, key order as built, trailing newline. */
export async function renderSchemaFile(registry: Registry): Promise<string> {
  return `${JSON.stringify(await buildJsonSchema(registry), null, 2)}\n`;
}
