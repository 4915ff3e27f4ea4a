// Regenerates schema/plan.schema.json from the zod schema of the plan (src/plan/schema.ts).
// Run: npx vite-node scripts/write-plan-schema.ts. src/plan/schema.test.ts fails while the
// committed file is stale.

import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { planJsonSchema } from "../src/plan/schema.js";

const out = fileURLToPath(new URL("../schema/plan.schema.json", import.meta.url));
writeFileSync(out, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
