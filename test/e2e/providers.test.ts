// `apiship providers`: every platform of DESIGN.md §7 from the registry, and a plugin
// platform beside them when APISHIP_PLUGINS names one.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlatformRow } from "../../src/cli/commands/providers.js";
import { TEST_PROVIDER, apiship, cleanup, ensureBuilt, envelope } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);
afterAll(cleanup);

const PLATFORMS = [
  "aws/ecs-fargate",
  "aws/lambda",
  "azure/aks",
  "azure/app-service",
  "azure/functions",
  "digitalocean/app-platform",
  "digitalocean/droplet",
  "digitalocean/functions",
  "firebase/functions",
  "gcp/cloud-functions",
  "gcp/cloud-run",
  "gcp/gke",
  "heroku/heroku",
  "kubernetes/kubernetes",
  "local/container",
  "local/process",
];

describe("providers", () => {
  it("lists the 14 cloud platforms and the 2 local ones with kinds and capabilities", async () => {
    const r = await apiship(["providers"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^PLATFORM\s+KINDS\s+ROLLBACK\s+COLD START\s+SUPPORT$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(PLATFORMS);
    expect(r.stdout).toMatch(/^aws\/lambda\s+function\s+alias/m);
    expect(r.stdout).not.toContain("test/service");
  });

  it("--json gives one typed row per platform", async () => {
    const out = envelope<PlatformRow[]>(await apiship(["providers", "--json"]));
    expect(out.status).toBe("ok");
    const rows = out.result ?? [];
    expect(rows.map((p) => p.id)).toEqual(PLATFORMS);
    for (const row of rows) {
      expect(row.id).toBe(`${row.provider}/${row.platform}`);
      expect(row.kinds.length).toBeGreaterThan(0);
      for (const k of row.kinds) expect(["function", "container"]).toContain(k);
      expect(typeof row.coldStart).toBe("string");
      expect(typeof row.scalesToZero).toBe("boolean");
      expect(typeof row.deployable).toBe("boolean");
    }
    const lambda = rows.find((p) => p.id === "aws/lambda");
    expect(lambda?.kinds).toEqual(["function"]);
    expect(lambda?.runtimes.length).toBeGreaterThan(0);
  });

  it("adds the test platform when the plugin is loaded through APISHIP_PLUGINS", async () => {
    const out = envelope<PlatformRow[]>(
      await apiship(["providers", "--json"], { env: { APISHIP_PLUGINS: TEST_PROVIDER } }),
    );
    expect(out.status).toBe("ok");
    const ids = (out.result ?? []).map((p) => p.id);
    expect(ids).toHaveLength(PLATFORMS.length + 1);
    const test = out.result?.find((p) => p.id === "test/service");
    expect(test).toMatchObject({ provider: "test", platform: "service", deployable: true });
    expect(test?.kinds).toEqual(["function", "container"]);
  });

  it("a plugin that cannot be loaded is a clear error, exit 1", async () => {
    const r = await apiship(["providers"], { env: { APISHIP_PLUGINS: "/nonexistent/plugin.js" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("/nonexistent/plugin.js");
    expect(r.stderr).toMatch(/could not be loaded/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
