// `apiship schema` prints exactly the committed schema/apiship.schema.json, so editors that
// point the modeline at the shipped file see what the CLI validates against.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, TEST_PROVIDER, apiship, cleanup, ensureBuilt, envelope } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);
afterAll(cleanup);

const committed = readFileSync(join(ROOT, "schema/apiship.schema.json"), "utf8");

describe("schema", () => {
  it("prints the committed schema/apiship.schema.json byte for byte", async () => {
    const r = await apiship(["schema"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.trimEnd()).toBe(committed.trimEnd());
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(committed));
  });

  it("--json wraps the same schema in the envelope", async () => {
    const out = envelope<object>(await apiship(["schema", "--json"]));
    expect(out.status).toBe("ok");
    expect(out.result).toEqual(JSON.parse(committed));
  });

  it("includes the options of a plugin platform named in APISHIP_PLUGINS", async () => {
    const r = await apiship(["schema"], { env: { APISHIP_PLUGINS: TEST_PROVIDER } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toBe(committed);
    // failureRate is an option only the test provider has.
    expect(committed).not.toContain("failureRate");
    expect(r.stdout).toContain("failureRate");
  });
});
