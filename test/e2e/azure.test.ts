// A container API on azure/app-service through the built CLI, against the stateful ARM fake
// reached the way an emulator or sovereign-cloud user reaches ARM: AZURE_RESOURCE_MANAGER_ENDPOINT
// (plain http, so apiship sends the static bearer and never looks for Azure credentials). The
// fake also serves each site's and slot's host, so the slot check before a swap and the engine's
// health check after the deploy both reach the "container"; a crashing image fails in the slot
// and production is never swapped to it.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { StatusCommandResult } from "../../src/cli/commands/status.js";
import { isMutating, startAzureFake } from "../fakes/azure/index.js";
import type { AzureFake } from "../fakes/azure/index.js";
import { jsonStream } from "./deploy-helpers.js";
import type { RunResult } from "./helpers.js";
import { apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

const SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
const SITE = "sentiment-api-production-web";
const SECRET = "hf-azure-e2e-secret-77c1";

function manifest(): string {
  return [
    "apiVersion: apiship/v1",
    "name: sentiment-api",
    "service:",
    '  container: { image: "ghcr.io/acme/sentiment-api:${env:TAG:-1}", port: 8000 }',
    "  env: { LOG_LEVEL: info }",
    '  secrets: { HF_TOKEN: "env:HF_TOKEN", DB_URL: "azure-kv:acme-vault/db-url" }',
    "  scaling: { min: 1, max: 3 }",
    "  health: { path: /healthz, attempts: 2, interval: 50ms, timeout: 2s }",
    "targets:",
    `  web: { provider: azure, platform: app-service, subscription: "${SUB}", resourceGroup: rg-sentiment-prod, location: westeurope }`,
    "environments:",
    "  production: { targets: [web] }",
    "defaultEnvironment: production",
    "",
  ].join("\n");
}

let fake: AzureFake;
let dir: string;
const env = () => ({
  AZURE_RESOURCE_MANAGER_ENDPOINT: fake.url,
  APISHIP_AZURE_POLL_MS: "5",
  HF_TOKEN: SECRET,
});
const cli = (args: string[], extra: Record<string, string> = {}): Promise<RunResult> =>
  apiship(args, { cwd: dir, env: { ...env(), ...extra } });
const site = () => fake.world.sites.get(SITE);
const image = (fx: unknown) => String(fx).replace(/^DOCKER\|/, "");
const mutating = () => fake.requests.filter(isMutating).length;

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir("apiship-e2e-azure-");
  fake = await startAzureFake({ logFile: join(dir, "fake-requests.ndjson") });
  writeFileSync(join(dir, "apiship.yaml"), manifest());
}, 180_000);
afterAll(async () => {
  await fake?.close();
  cleanup();
});

describe.sequential("azure/app-service through the built CLI", () => {
  it("an offline plan shows the group, plan, site and slot to create and calls nothing", async () => {
    const r = await apiship(["plan", "--offline"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/web\.site "sentiment-api-production-web" will be created/);
    expect(r.stdout).toMatch(/Plan: 4 to create, 0 to update, 0 to replace, 0 to delete\./);
    expect(fake.requests).toHaveLength(0);
  });

  it("deploy creates the tagged group, a Linux P0v3 plan, the site and its staging slot; health passes", async () => {
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const { events, envelope: out } = jsonStream<DeployCommandResult>(r);
    expect(out.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["web", "deployed"],
    ]);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
    const group = fake.world.groups.get(`${SUB}/rg-sentiment-prod`);
    expect(group?.tags).toEqual({
      "apiship:stack": "sentiment-api/production",
      "apiship:target": "web",
      "apiship:managed": "true",
    });
    const farm = [...fake.world.farms.values()][0];
    expect([farm?.sku.name, farm?.sku.tier, farm?.sku.capacity, farm?.reserved]).toEqual([
      "P0v3",
      "PremiumV3",
      1,
      true,
    ]);
    const s = site();
    expect(s?.config.linuxFxVersion).toBe("DOCKER|ghcr.io/acme/sentiment-api:1");
    expect([s?.httpsOnly, s?.config.alwaysOn, s?.config.healthCheckPath]).toEqual([true, true, "/healthz"]);
    expect(s?.settings).toEqual({
      LOG_LEVEL: "info",
      HF_TOKEN: SECRET,
      DB_URL: "@Microsoft.KeyVault(SecretUri=https://acme-vault.vault.azure.net/secrets/db-url)",
      // The fingerprint beside the value (a keyed hash), so a retry knows it from the cloud.
      APISHIP_SECRET_HASHES: expect.stringMatching(/^\{"HF_TOKEN":"hmac-sha256:[0-9a-f]{64}"\}$/),
      WEBSITES_PORT: "8000",
    });
    expect(s?.identity?.type).toBe("SystemAssigned");
    expect([...(s?.slots.keys() ?? [])]).toEqual(["staging"]);
    // The secret is in the cloud, and in no output nor the request log's printed form.
    expect(r.stdout.includes(SECRET) || r.stderr.includes(SECRET)).toBe(false);
  });

  it("status reports the site ready with its URL", async () => {
    const st = await cli(["status", "--json"]);
    expect(st.code, st.stderr).toBe(0);
    const t = envelope<StatusCommandResult>(st).result?.stacks[0]?.targets[0];
    expect([t?.target, t?.health, t?.drift]).toEqual(["web", "ready", false]);
    expect(t?.endpoint).toBe(`http://${site()?.hostName}`);
  });

  it("an unchanged redeploy makes no mutating ARM call", async () => {
    const before = mutating();
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No changes\./);
    expect(mutating()).toBe(before);
  });

  it("a new image goes to the staging slot, is checked there and swapped in; the slot keeps the old one", async () => {
    const r = await cli(["deploy", "--yes"], { TAG: "2" });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(image(site()?.config.linuxFxVersion)).toBe("ghcr.io/acme/sentiment-api:2");
    expect(image(site()?.slots.get("staging")?.config.linuxFxVersion)).toBe("ghcr.io/acme/sentiment-api:1");
    const swaps = fake.requests.filter((q) => q.method === "POST" && /\/slotsswap$/.test(q.path));
    expect(swaps.map((q) => q.json)).toEqual([{ targetSlot: "staging", preserveVnet: true }]);
    expect(fake.requests.some((q) => q.path.startsWith(`/__sites/${SITE}--staging/healthz`))).toBe(true);
  });

  it("rollback swaps the slot back into production", async () => {
    const r = await cli(["rollback", "--yes"], { TAG: "2" });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(image(site()?.config.linuxFxVersion)).toBe("ghcr.io/acme/sentiment-api:1");
    expect(image(site()?.slots.get("staging")?.config.linuxFxVersion)).toBe("ghcr.io/acme/sentiment-api:2");
  });

  it("a crashing image fails its slot check and production keeps serving the previous release", async () => {
    fake.world.crashImages.add("ghcr.io/acme/sentiment-api:3");
    const swapsBefore = fake.requests.filter((q) => /\/slotsswap$/.test(q.path)).length;
    const from = fake.requests.length;
    const r = await cli(["deploy", "--yes"], { TAG: "3" });
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(
      /slot staging failed its health check, so production was not swapped/,
    );
    expect(image(site()?.config.linuxFxVersion)).toBe("ghcr.io/acme/sentiment-api:1");
    expect(fake.requests.filter((q) => /\/slotsswap$/.test(q.path)).length).toBe(swapsBefore);
    // Production was never swapped, so its rollback writes nothing: a settings write restarts a site.
    const production = new RegExp(`/sites/${SITE}(/config/appsettings)?$`, "i");
    const writes = fake.requests.slice(from).filter((q) => q.method !== "GET" && production.test(q.path));
    expect(writes.map((q) => `${q.method} ${q.path}`)).toEqual([]);
  });

  it("destroy deletes the resource group apiship created; a second destroy exits 0", async () => {
    const r = await cli(["destroy", "--confirm", "production"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(fake.world.groups.size).toBe(0);
    expect(fake.world.sites.size).toBe(0);
    const again = await cli(["destroy", "--confirm", "production"]);
    expect(again.code, again.stderr).toBe(0);
  });
});

describe("azure/app-service name conflicts", () => {
  it("a site name held elsewhere in Azure fails with a hint to rename", async () => {
    const other = await startAzureFake({ world: { takenSiteNames: [SITE] } });
    try {
      const r = await apiship(["deploy", "--yes", "--json"], {
        cwd: dir,
        env: { ...env(), AZURE_RESOURCE_MANAGER_ENDPOINT: other.url },
      });
      expect(r.code).not.toBe(0);
      const failed = JSON.stringify(jsonStream<DeployCommandResult>(r).envelope.result?.stacks[0]?.deploy);
      expect(failed).toMatch(/App Service site name sentiment-api-production-web is already taken in Azure/);
      expect(failed).toMatch(/rename the manifest's `name`, the environment or the target \\"web\\"/);
      // The name is checked first: nothing was created for a site that cannot exist.
      expect(other.world.groups.size + other.world.farms.size).toBe(0);
    } finally {
      await other.close();
    }
  });
});
