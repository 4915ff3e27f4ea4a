// whoami() of kubernetes/kubernetes (`apiship doctor`): the kubeconfig's context, server and
// user, proven by one namespaced read the deploy itself needs (a list of the namespace's
// Deployments, one item): a 401 is UNAUTHENTICATED, a 403 FORBIDDEN with the RBAC hint. Then
// GET /version, which any caller may make, says which Kubernetes answered. Reads only; the
// namespace need not exist yet (the deploy creates it, and the list of an absent one is empty).

import type { Identity } from "../../src/core/provider.js";
import { reachBy } from "../_shared/whoami.js";
import { call } from "./objects.js";
import type { KubeCtx } from "./objects.js";

export async function whoamiKube(ctx: KubeCtx): Promise<Identity> {
  const c = ctx.clients;
  const namespace = String((ctx.target.options as { namespace?: unknown }).namespace ?? "default");
  await call(ctx, "list", `Deployments in namespace ${namespace}`, () =>
    // pretty, exact, exportt, fieldSelector, labelSelector; then limit.
    c.objects.list(
      "apps/v1",
      "Deployment",
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      1,
    ),
  );
  const id: Identity = {
    principal: c.user ? `user ${c.user}` : "the kubeconfig's user",
    account: c.cluster,
    detail: `may list Deployments in ${namespace}`,
  };
  const version = c.version;
  if (version) {
    id.reach = await reachBy(async () => {
      const v = await call(ctx, "get", "the server version", version);
      return `Kubernetes ${v} answered`;
    });
  }
  return id;
}
