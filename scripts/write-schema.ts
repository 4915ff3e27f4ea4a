// Regenerates schema/apiship.schema.json from the built-in providers:
//   npx vite-node scripts/write-schema.ts
// src/manifest/schema.test.ts fails when the committed file differs from what this writes.

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createBuiltinRegistry } from "../providers/index.js";
import { renderSchemaFile, SCHEMA_FILE } from "../src/manifest/schema-file.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const target = resolve(root, SCHEMA_FILE);
await mkdir(dirname(target), { recursive: true });
await writeFile(target, await renderSchemaFile(createBuiltinRegistry()));
console.log(`wrote ${SCHEMA_FILE}`);
