// Planning a platform whose adapter has not landed yet. Its descriptor still knows the
// options, limits and naming, so the plan can show honestly what the manifest asks of that
// target (one `service` resource with the normalized service attributes), the way a dry run
// should. It cannot read the cloud, so such a target is always planned offline, and applying
// it is refused with a clear error instead of pretending.

import type { DeployableTarget, PlanRequest, PlanResponse, PlatformInfo } from "../core/provider.js";
import { ProviderError } from "../errors.js";
import type { ServiceSpec } from "../manifest/types.js";
import { diffAttributes } from "./diff.js";

/** Options that name where a target lives: changing them moves the service, so they force replace. */
const PLACEMENT = [
  "region",
  "location",
  "project",
  "subscription",
  "resourceGroup",
  "cluster",
  "context",
  "namespace",
];

export function manifestOnlyAttributes(
  service: ServiceSpec,
  options: Record<string, unknown>,
  secretHashes: Record<string, string>,
): Record<string, unknown> {
  const code =
    service.kind === "function" && service.function
      ? {
          runtime: service.function.runtime,
          handler: service.function.handler,
          source: service.function.source,
        }
      : {
          image: service.container?.image,
          port: service.container?.port,
          command: service.container?.command,
          args: service.container?.args,
        };
  return {
    kind: service.kind,
    ...code,
    resources: service.resources,
    scaling: service.scaling,
    access: service.access,
    timeoutMs: service.timeoutMs,
    health: { path: service.health.path, status: service.health.status },
    env: service.env,
    secrets: secretHashes,
    options,
  };
}

export function manifestOnlyPlan(
  req: PlanRequest<Record<string, unknown>, Record<string, unknown>>,
): PlanResponse {
  const after = JSON.parse(
    JSON.stringify(manifestOnlyAttributes(req.service, req.target.options, req.secretHashes)),
  ) as Record<string, unknown>;
  const before = (req.observed?.attributes as Record<string, unknown> | undefined) ?? null;
  const d = diffAttributes(before, after, {
    sensitive: ["secrets"],
    forcesReplace: PLACEMENT.map((k) => `options.${k}`),
  });
  return {
    changes: [
      {
        type: "service",
        name: req.name,
        action: d.action,
        ...(d.action === "create"
          ? { reason: "planned from the manifest alone: this platform's adapter has not landed yet" }
          : {}),
        before,
        after,
        sensitivePaths: d.sensitivePaths,
        replacePaths: d.replacePaths,
        dependsOn: [],
      },
    ],
  };
}

/** A stand-in adapter for a descriptor-only platform: plans from the manifest, never deploys. */
export function manifestOnlyAdapter(
  info: PlatformInfo,
): DeployableTarget<Record<string, unknown>, Record<string, unknown>> {
  const refuse = (): never => {
    throw new ProviderError(`platform "${info.id}" cannot be deployed by this version of apiship yet`, {
      code: "NOT_DEPLOYABLE",
      fault: "user",
      hint: "`apiship providers` lists the platforms that deploy; plan works for every platform",
    });
  };
  return {
    ...info,
    createClients: () => ({}),
    // Nothing can be read without an adapter: the recorded state is all there is.
    read: async (_ctx, prior) => prior,
    plan: manifestOnlyPlan,
    apply: async () => refuse(),
    destroy: async () => refuse(),
    status: async () => ({ health: "unknown", detail: `${info.id} has no adapter in this version` }),
  };
}
