// What the kubernetes adapter's tests share: a Ctx around any KubeClients (the fake server's
// or a mock's), and plan → apply the way the engine drives them. Plain helpers, no vitest.

import type { Ctx, DeployableTarget, PlanRequest, ResourceChange } from "../../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../../src/manifest/types.js";
import { kubernetes } from "../../../providers/kubernetes/kubernetes.js";
import type { KubernetesOptions } from "../../../providers/kubernetes/kubernetes.js";
import type { KubeClients } from "../../../providers/kubernetes/clients.js";
import type { KubeState } from "../../../providers/kubernetes/state.js";

export const k8s = kubernetes as DeployableTarget<KubernetesOptions, KubeState, KubeClients>;
export const NAME = "shop-dev-web";
export const SECRET_VALUE = "raw-secret-value-7c1d";

export const service: ServiceSpec = {
  kind: "container",
  container: { image: "ghcr.io/acme/shop:1", port: 8080 },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY" },
  resources: { cpu: 0.5, memory: 512 },
  scaling: { min: 1, max: 3 },
  health: { path: "/healthz", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 1000 },
  access: "public",
  timeoutMs: 30_000,
};

export interface KubeWorld {
  ctx: Ctx<KubeClients>;
  target: TargetSpec & { options: KubernetesOptions };
  steps: string[];
  warnings: string[];
}

export function targetOf(options: Record<string, unknown> = {}): TargetSpec & { options: KubernetesOptions } {
  const parsed = kubernetes.options.parse({ namespace: "apis", ...options });
  return { name: "web", provider: "kubernetes", platform: "kubernetes", options: parsed };
}

export function worldOf(clients: KubeClients, options: Record<string, unknown> = {}): KubeWorld {
  const target = targetOf(options);
  const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
  const steps: string[] = [];
  const warnings: string[] = [];
  const ctx: Ctx<KubeClients> = {
    clients,
    stack,
    target,
    progress: { step: (s) => steps.push(`step ${s}`), done: (s) => steps.push(`done ${s}`) },
    log: { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m) },
    signal: new AbortController().signal,
  };
  return { ctx, target, steps, warnings };
}

export type Planned = PlanRequest<KubernetesOptions, KubeState> & { changes: ResourceChange[] };

export async function planFor(
  w: KubeWorld,
  svc: ServiceSpec = service,
  hashes: Record<string, string> = { API_KEY: "hmac-sha256:aaa" },
  recorded?: KubeState,
): Promise<Planned> {
  const observed = await k8s.read(w.ctx, recorded, NAME);
  const req = {
    stack: w.ctx.stack,
    target: w.target,
    service: svc,
    name: NAME,
    recorded: recorded ?? observed,
    observed,
    secretHashes: hashes,
  };
  return { ...req, changes: k8s.plan(req).changes };
}

export async function deploy(
  w: KubeWorld,
  svc: ServiceSpec = service,
  hashes?: Record<string, string>,
  recorded?: KubeState,
) {
  const planned = await planFor(w, svc, hashes, recorded);
  const result = await k8s.apply(w.ctx, { ...planned, secrets: { API_KEY: SECRET_VALUE } });
  return { planned, result };
}

export const actions = (cs: ResourceChange[]) => Object.fromEntries(cs.map((c) => [c.type, c.action]));
