// gcp/gke passes the same lifecycle as every platform: the cluster is read from the GCP fake's
// Container API (its endpoint is the fake Kubernetes API server), a token comes from the same
// (static) credentials, and the kubernetes platform's behaviour deploys through them.
import { describe, expect, it } from "vitest";
import type { DeployableTarget } from "../../src/core/provider.js";
import { gke } from "../../providers/gcp/gke.js";
import { startGcpFake } from "../fakes/gcp/index.js";
import { startKubeFake } from "../fakes/kubernetes/server.js";
import { clientsFixture } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

const adapter = gke as unknown as DeployableTarget<Record<string, unknown>, object, unknown>;

async function setup() {
  const kube = await startKubeFake({ cluster: { readyDelayMs: 5 } });
  const gcp = await startGcpFake();
  gcp.world.addCluster({
    project: "acme-shop",
    location: "europe-west1",
    name: "apis",
    endpoint: kube.url,
    caCertificate: "",
  });
  const fixture = clientsFixture({
    adapter,
    name: "shop-dev-web",
    target: {
      name: "web",
      provider: "gcp",
      platform: "gke",
      options: {
        project: "acme-shop",
        location: "europe-west1",
        cluster: "apis",
        namespace: "apis",
        endpoint: gcp.url,
      },
    },
    env: { APISHIP_GKE_POLL_MS: "5", GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.gke-test" },
    secrets: { API_KEY: "value" },
    update: (svc) => ({
      ...svc,
      container: { image: "ghcr.io/acme/shop:2", port: svc.container?.port ?? 8080 },
    }),
    replace: {
      target: (t) => ({ ...t, options: { ...t.options, namespace: "apis-2" } }),
      forcedBy: "namespace",
    },
    close: async () => (await kube.close(), await gcp.close()),
  });
  return { kube, gcp, ...fixture };
}

describeLifecycle("gcp/gke", setup);

describe("gcp/gke cluster access", () => {
  it("reads the cluster once from the Container API, deploys to its endpoint, and fails clearly for a missing cluster", async () => {
    const s = await setup();
    try {
      const ctx = await s.ctx(s.target);
      await adapter.read(ctx, undefined, "shop-dev-web");
      expect(s.gcp.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        "GET /v1/projects/acme-shop/locations/europe-west1/clusters/apis",
      ]);
      expect(s.kube.requests.length).toBeGreaterThan(0);
      const other = { ...s.target, options: { ...s.target.options, cluster: "nope" } };
      await expect(adapter.read(await s.ctx(other), undefined, "shop-dev-web")).rejects.toMatchObject({
        code: "CLUSTER_NOT_FOUND",
        fault: "user",
      });
    } finally {
      await s.close();
    }
  });
});
