// kubernetes/kubernetes passes the same lifecycle as every platform, against the fake API
// server, through the real client-node and a kubeconfig written here.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Ctx, DeployableTarget } from "../../src/core/provider.js";
import type { Stack, TargetSpec } from "../../src/manifest/types.js";
import { kubernetes } from "../../providers/kubernetes/kubernetes.js";
import type { KubeClients } from "../../providers/kubernetes/clients.js";
import { startKubeFake } from "../fakes/kubernetes/server.js";
import { baseService } from "../support/test-provider/harness.js";
import { describeLifecycle } from "./lifecycle.js";

describeLifecycle("kubernetes/kubernetes", async () => {
  const fake = await startKubeFake({ cluster: { readyDelayMs: 5 } });
  const dir = mkdtempSync(join(tmpdir(), "apiship-contract-k8s-"));
  const kubeconfig = fake.writeKubeconfig(join(dir, "kubeconfig"));
  const target: TargetSpec = {
    name: "web",
    provider: "kubernetes",
    platform: "kubernetes",
    options: kubernetes.options.parse({ kubeconfig, namespace: "apis" }) as unknown as Record<
      string,
      unknown
    >,
  };
  const stack: Stack = {
    id: "shop/dev",
    app: "shop",
    environment: "dev",
    service: baseService,
    targets: [target],
  };
  const adapter = kubernetes as unknown as DeployableTarget<Record<string, unknown>, object, unknown>;
  return {
    adapter,
    name: "shop-dev-web",
    stack,
    target,
    secretHashes: { API_KEY: "hmac-sha256:1" },
    secrets: { API_KEY: "value" },
    ctx: async (t: TargetSpec): Promise<Ctx<unknown>> => {
      const clients = (await adapter.createClients({ target: t, env: {} })) as KubeClients;
      return {
        clients: { ...clients, timing: { ...clients.timing, pollMs: 5 } },
        stack,
        target: t,
        progress: { step: () => {}, done: () => {} },
        log: { debug: () => {}, info: () => {}, warn: () => {} },
        signal: new AbortController().signal,
      };
    },
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
  };
});
