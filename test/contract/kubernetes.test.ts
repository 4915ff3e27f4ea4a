// kubernetes/kubernetes passes the same lifecycle as every platform, against the fake API
// server, through the real client-node and a kubeconfig written here.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubernetes } from "../../providers/kubernetes/kubernetes.js";
import type { KubeClients } from "../../providers/kubernetes/clients.js";
import { startKubeFake } from "../fakes/kubernetes/server.js";
import { clientsFixture } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

describeLifecycle("kubernetes/kubernetes", async () => {
  const fake = await startKubeFake({ cluster: { readyDelayMs: 5 } });
  const dir = mkdtempSync(join(tmpdir(), "apiship-contract-k8s-"));
  const kubeconfig = fake.writeKubeconfig(join(dir, "kubeconfig"));
  return clientsFixture<KubeClients>({
    adapter: kubernetes,
    name: "shop-dev-web",
    target: {
      name: "web",
      provider: "kubernetes",
      platform: "kubernetes",
      options: { kubeconfig, namespace: "apis" },
    },
    env: {},
    clients: (clients) => ({ ...clients, timing: { ...clients.timing, pollMs: 5 } }),
    secrets: { API_KEY: "value" },
    update: (svc) => ({
      ...svc,
      container: { image: "ghcr.io/acme/shop:2", port: svc.container?.port ?? 8080 },
    }),
    replace: {
      target: (t) => ({ ...t, options: { ...t.options, namespace: "apis-2" } }),
      forcedBy: "namespace",
    },
    close: async () => {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
