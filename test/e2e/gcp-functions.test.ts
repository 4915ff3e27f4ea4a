// gcp/cloud-functions and gcp/gke through the built CLI, against the GCP fake (and, for GKE, the
// fake Kubernetes API server it reports as the cluster's endpoint), reached through gcloud's
// endpoint override variables with a static GOOGLE_OAUTH_ACCESS_TOKEN.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMutating, startGcpFake } from "../fakes/gcp/index.js";
import type { GcpFake, Json } from "../fakes/gcp/index.js";
import { startKubeFake } from "../fakes/kubernetes/server.js";
import type { HealthServer } from "./deploy-helpers.js";
import { healthServer } from "./deploy-helpers.js";
import type { RunResult } from "./helpers.js";
import { apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

const FN = "projects/acme-shop/locations/europe-west1/functions/shop-dev-fn";

const manifest = `apiVersion: apiship/v1
name: shop
service:
  function: { runtime: nodejs22, handler: index.handler, source: ./src, interface: native }
  env: { LOG_LEVEL: info }
  resources: { memory: 256 }
  scaling: { min: 0, max: 2 }
  health: { path: /, timeout: 2s, attempts: 2, interval: 100ms }
  access: public
targets:
  fn: { provider: gcp, platform: cloud-functions, project: acme-shop, region: europe-west1 }
environments:
  dev: { targets: [fn] }
`;

let health: HealthServer;
let fake: GcpFake;
let dir: string;
const env = () => ({
  CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDFUNCTIONS: fake.url,
  CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: fake.url,
  CLOUDSDK_API_ENDPOINT_OVERRIDES_CONTAINER: fake.url,
  GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.e2e",
  APISHIP_GCP_POLL_MS: "5",
  APISHIP_GKE_POLL_MS: "5",
});
const cli = (args: string[], cwd = dir): Promise<RunResult> => apiship(args, { cwd, env: env() });
const mutating = () => fake.requests.filter(isMutating).length;

beforeAll(async () => {
  ensureBuilt();
  health = await healthServer(200);
  fake = await startGcpFake({ knobs: { functionUrl: () => health.url.replace(/\/$/, "") } });
  dir = tempDir("apiship-e2e-gcf-");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/index.js"), "exports.handler = (req, res) => res.send('hello');\n");
  writeFileSync(join(dir, "apiship.yaml"), manifest);
}, 180_000);
afterAll(async () => {
  await fake.close();
  await health.close();
  cleanup();
});

describe.sequential("gcp/cloud-functions through the built CLI", () => {
  it("deploy uploads the zip, builds the function and passes its health check", async () => {
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    const fn = fake.world.functions.get(FN) as Json;
    expect(fn.state).toBe("ACTIVE");
    expect((fn.buildConfig as Json).runtime).toBe("nodejs22");
    expect(fake.requests.filter((q) => q.method === "PUT").length).toBe(1);
    expect(health.hits).toBeGreaterThan(0);
  });

  it("an unchanged redeploy uploads nothing and makes no mutating call", async () => {
    const before = mutating();
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No changes\./);
    expect(mutating()).toBe(before);
  });

  it("a failed build fails the deploy with the build log's URL", async () => {
    writeFileSync(join(dir, "src/index.js"), "exports.handler = (req, res) => res.send('broken');\n");
    fake.knobs.failBuild = "npm ERR! missing script: gcp-build";
    const r = await cli(["deploy", "--yes"]);
    fake.knobs.failBuild = undefined;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/npm ERR! missing script: gcp-build/);
    expect(r.stderr).toMatch(/build log: https:\/\/console\.cloud\.google\.com\/cloud-build\/builds/);
  });

  it("destroy removes the function and its Run service", async () => {
    const r = await cli(["destroy", "--confirm", "dev"]);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.world.functions.size).toBe(0);
    expect(fake.world.services.size).toBe(0);
  });
});

describe("gcp/gke through the built CLI", () => {
  it("deploys to the cluster the Container API reports, then destroys", async () => {
    const kube = await startKubeFake({ cluster: { readyDelayMs: 5 } });
    try {
      fake.world.addCluster({
        project: "acme-shop",
        location: "europe-west1",
        name: "apis",
        endpoint: kube.url,
        caCertificate: "",
      });
      const gdir = tempDir("apiship-e2e-gke-");
      writeFileSync(
        join(gdir, "apiship.yaml"),
        `apiVersion: apiship/v1
name: shop
service:
  container: { image: "ghcr.io/acme/shop:1", port: 8080 }
  health: { path: /healthz }
targets:
  gke: { provider: gcp, platform: gke, project: acme-shop, location: europe-west1, cluster: apis, namespace: apis }
environments:
  dev: { targets: [gke] }
`,
      );
      const r = await cli(["deploy", "--yes"], gdir);
      expect(r.code, r.stderr).toBe(0);
      expect(
        fake.requests.some((q) => q.path === "/v1/projects/acme-shop/locations/europe-west1/clusters/apis"),
      ).toBe(true);
      const deployment = /\/namespaces\/apis\/deployments\/shop-dev-gke$/;
      expect(kube.requests.some((q) => q.method === "PATCH" && deployment.test(q.path))).toBe(true);
      const d = await cli(["destroy", "--confirm", "dev"], gdir);
      expect(d.code, d.stderr).toBe(0);
      expect(kube.requests.some((q) => q.method === "DELETE" && deployment.test(q.path))).toBe(true);
    } finally {
      await kube.close();
    }
  }, 60_000);
});
