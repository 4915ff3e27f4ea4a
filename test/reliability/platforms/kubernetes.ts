// Any Kubernetes cluster, through a kubeconfig that points at the fake API server; and the
// inventory of a cluster that AKS and GKE share. The Service is cluster-ip, so the health check
// is the platform's own signal (Deployment readiness), read through the same faults.

import { join } from "node:path";
import type { KubeKnobs } from "../../fakes/kubernetes/controller.js";
import { startKubeFake } from "../../fakes/kubernetes/server.js";
import type { RunningKubeFake } from "../../fakes/kubernetes/server.js";
import type { Obj } from "../../fakes/kubernetes/store.js";
import type { Platform, Site } from "../platform-kit.js";
import {
  FaultSwitch,
  SECRET_VALUE,
  SECRET_VAR,
  manifestText,
  over,
  remaining,
  writeProject,
} from "../platform-kit.js";

const STACK_LABEL = "apiship.dev/stack";

/** Controllers quick enough for a test, still with the in-between states of a real cluster. */
export const kubeKnobs = (): Partial<KubeKnobs> => ({
  observeDelayMs: 1,
  readyDelayMs: 5,
  terminatingMs: 50,
});

const ofKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);
const owners = (o: Obj) =>
  ((o.metadata.ownerReferences as { uid?: string }[] | undefined) ?? []).map((r) => r.uid);

export function kubeInventory(kube: RunningKubeFake): Pick<Site, "duplicates" | "leftovers"> {
  const owned = () => kube.store.all().filter((o) => o.metadata.labels?.[STACK_LABEL] !== undefined);
  return {
    duplicates: () => {
      const all = kube.store.all();
      const mine = owned();
      const perDeployment = ofKind(mine, "Deployment").map((d): [string, number] => [
        `${d.metadata.name} ReplicaSets`,
        ofKind(all, "ReplicaSet").filter((rs) => owners(rs).includes(String(d.metadata.uid))).length,
      ]);
      return [
        ...over(1, {
          Deployments: ofKind(mine, "Deployment").length,
          Services: ofKind(mine, "Service").length,
          Secrets: ofKind(mine, "Secret").length,
          HorizontalPodAutoscalers: ofKind(mine, "HorizontalPodAutoscaler").length,
          Namespaces: ofKind(all, "Namespace").length,
        }),
        // One pod template applied once: a second ReplicaSet means a second, different template.
        ...over(1, Object.fromEntries(perDeployment)),
      ];
    },
    // The namespace apiship created stays: it is labelled managed-by only, never with the stack,
    // because other stacks may share it (providers/kubernetes/apply.ts).
    leftovers: () =>
      remaining({
        "objects labelled with the stack": owned().length,
        ReplicaSets: ofKind(kube.store.all(), "ReplicaSet").length,
        Pods: ofKind(kube.store.all(), "Pod").length,
      }),
  };
}

export const kubernetes: Platform = {
  id: "kubernetes/kubernetes",
  seed: 701,
  async start(dir, faults) {
    const sw = new FaultSwitch(faults);
    const kube = await startKubeFake({ cluster: kubeKnobs(), faults: sw.knobs() });
    sw.track(kube.knobs);
    const kubeconfig = kube.writeKubeconfig(join(dir, "kubeconfig"), { context: "fake" });
    writeProject(
      dir,
      manifestText({
        code: 'container: { image: "ghcr.io/acme/shop:1", port: 8080 }',
        target: "provider: kubernetes, context: fake, namespace: apis",
      }),
    );
    return {
      env: { KUBECONFIG: kubeconfig, [SECRET_VAR]: SECRET_VALUE },
      apiRequests: () => kube.requests.length,
      faults: (on) => sw.set(on),
      ...kubeInventory(kube),
      close: () => kube.close(),
    };
  },
};
