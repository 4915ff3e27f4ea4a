// The ONLY place @kubernetes/client-node objects are built (DESIGN.md §9.3). The SDK is
// imported inside the functions, so loading the provider loads no SDK. Cluster access follows
// kubectl's rules: the target's `kubeconfig`, else $KUBECONFIG, else ~/.kube/config, else the
// in-cluster service account. AKS, GKE, EKS and DOKS hand a cluster over through
// clientsFromCluster(), and then deploy through the very same adapter code.

import { existsSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import type { CoreV1Api, KubeConfig, KubernetesObjectApi } from "@kubernetes/client-node";
import type { CallRetryPolicy, ProviderConfig } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { DEFAULT_CALL_RETRY, callPolicy } from "../_shared/call-retry.js";

export type ObjectsApi = Pick<KubernetesObjectApi, "patch" | "read" | "list" | "delete">;
export type LogsApi = Pick<CoreV1Api, "readNamespacedPodLog">;

export interface KubeTiming {
  /** Pause between two polls of a rollout or a load balancer, in milliseconds. */
  pollMs: number;
  /** How long to wait for a LoadBalancer Service's address before reporting the in-cluster name. */
  loadBalancerWaitMs: number;
  /** Longest wait for a rollout when the Deployment reports no progress deadline of its own. */
  rolloutTimeoutMs: number;
}

export interface KubeClients {
  objects: ObjectsApi;
  logs: LogsApi;
  /** Which cluster, for messages: "context prod (https://1.2.3.4:6443)". */
  cluster: string;
  /** The kubeconfig user of the current context (`apiship doctor`). */
  user?: string;
  /** GET /version: the API server's gitVersion (`apiship doctor`; unauthenticated callers may ask). */
  version?(): Promise<string>;
  timing: KubeTiming;
  /**
   * The run's per-call retry policy. client-node retries nothing itself, so objects.ts retries
   * each call under it (absent: DEFAULT_CALL_RETRY).
   */
  retry?: CallRetryPolicy;
}

export const DEFAULT_TIMING: KubeTiming = {
  pollMs: 2000,
  loadBalancerWaitMs: 120_000,
  rolloutTimeoutMs: 660_000,
};

/** What a managed-cluster platform knows of its cluster after creating or describing it. */
export interface ClusterAccess {
  /** Shown in messages, e.g. "aks/prod-cluster". */
  name?: string;
  /** API server URL, e.g. https://prod-abc.hcp.westeurope.azmk8s.io:443. */
  server: string;
  /** Base64 PEM of the cluster CA. */
  caData?: string;
  skipTLSVerify?: boolean;
  token?: string;
  /** A client-go exec credential plugin (kubelogin, gke-gcloud-auth-plugin, aws eks get-token). */
  exec?: { apiVersion: string; command: string; args?: string[]; env?: { name: string; value: string }[] };
}

export interface KubeOptions {
  kubeconfig?: string;
  context?: string;
}

const SA_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

function expandHome(p: string, env: ProviderConfig["env"]): string {
  return p.startsWith("~/") && env.HOME ? join(env.HOME, p.slice(2)) : resolve(p);
}

function credentialsError(target: string, tried: string[], cause?: unknown): ProviderError {
  return new ProviderError(
    `target ${target}: no Kubernetes cluster credentials (tried ${tried.join(", ")})`,
    {
      code: "CREDENTIALS",
      fault: "user",
      target,
      cause,
      hint: "set `kubeconfig` on the target or KUBECONFIG, or run `kubectl config view` to check yours; `apiship plan --offline` plans without a cluster",
    },
  );
}

async function loadFiles(kc: KubeConfig, files: string[], target: string, tried: string[]): Promise<void> {
  const { KubeConfig: Kc } = await import("@kubernetes/client-node");
  for (const [i, f] of files.entries()) {
    if (!existsSync(f)) throw credentialsError(target, [...tried, `${f} (missing)`]);
    try {
      if (i === 0) kc.loadFromFile(f);
      else {
        const more = new Kc();
        more.loadFromFile(f);
        kc.mergeConfig(more);
      }
    } catch (e) {
      throw credentialsError(
        target,
        // Only the first line: a YAML parser's message quotes the file around the error, and
        // a kubeconfig holds tokens.
        [...tried, `${f} (unreadable: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]})`],
        e,
      );
    }
  }
}

/** The kubeconfig by kubectl's rules, with the target's context selected. */
export async function loadKubeConfig(
  opts: KubeOptions,
  env: ProviderConfig["env"],
  target: string,
): Promise<KubeConfig> {
  const { KubeConfig: Kc } = await import("@kubernetes/client-node");
  const kc = new Kc();
  const tried: string[] = [];
  if (opts.kubeconfig !== undefined) {
    await loadFiles(kc, [expandHome(opts.kubeconfig, env)], target, ["the target's kubeconfig"]);
  } else if (env.KUBECONFIG) {
    await loadFiles(kc, env.KUBECONFIG.split(delimiter).filter(Boolean), target, ["$KUBECONFIG"]);
  } else {
    const home = env.HOME ? join(env.HOME, ".kube", "config") : undefined;
    tried.push("$KUBECONFIG (unset)");
    if (home && existsSync(home)) await loadFiles(kc, [home], target, tried);
    else {
      tried.push(`${home ?? "~/.kube/config"} (missing)`);
      if (!env.KUBERNETES_SERVICE_HOST || !existsSync(SA_TOKEN)) {
        throw credentialsError(target, [...tried, "the in-cluster service account (not running in a pod)"]);
      }
      kc.loadFromCluster();
    }
  }
  selectContext(kc, opts.context, target);
  return kc;
}

function selectContext(kc: KubeConfig, context: string | undefined, target: string): void {
  if (context === undefined) {
    if (!kc.getCurrentCluster())
      throw credentialsError(target, ["the kubeconfig's current-context (none set)"]);
    return;
  }
  if (!kc.getContexts().some((c) => c.name === context)) {
    throw new ProviderError(`target ${target}: the kubeconfig has no context "${context}"`, {
      code: "CONFIG",
      fault: "user",
      target,
      hint: `contexts there: ${
        kc
          .getContexts()
          .map((c) => c.name)
          .join(", ") || "(none)"
      }; see \`kubectl config get-contexts\``,
    });
  }
  kc.setCurrentContext(context);
}

/** The adapter's clients for an already loaded kubeconfig. */
export async function clientsFromKubeConfig(
  kc: KubeConfig,
  timing: Partial<KubeTiming> = {},
  retry: CallRetryPolicy = DEFAULT_CALL_RETRY,
): Promise<KubeClients> {
  const k8s = await import("@kubernetes/client-node");
  const server = kc.getCurrentCluster()?.server ?? "(no server)";
  const user = kc.getCurrentUser()?.name;
  const versions = kc.makeApiClient(k8s.VersionApi);
  return {
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
    logs: kc.makeApiClient(k8s.CoreV1Api),
    cluster: `context ${kc.getCurrentContext()} (${server})`,
    ...(user ? { user } : {}),
    version: async () => (await versions.getCode()).gitVersion,
    timing: { ...DEFAULT_TIMING, ...timing },
    retry,
  };
}

/**
 * Clients for a cluster handed over by a managed-Kubernetes platform (AKS, GKE, EKS, DOKS);
 * `retry` is the run's policy, callPolicy(cfg) of the platform's createClients.
 */
export async function clientsFromCluster(
  c: ClusterAccess,
  timing: Partial<KubeTiming> = {},
  retry: CallRetryPolicy = DEFAULT_CALL_RETRY,
): Promise<KubeClients> {
  const { KubeConfig: Kc } = await import("@kubernetes/client-node");
  const kc = new Kc();
  const name = c.name ?? "apiship";
  const user: Record<string, unknown> = { name };
  if (c.token !== undefined) user.token = c.token;
  if (c.exec !== undefined) user.exec = c.exec;
  kc.loadFromOptions({
    clusters: [{ name, server: c.server, caData: c.caData, skipTLSVerify: c.skipTLSVerify ?? false }],
    users: [user],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return clientsFromKubeConfig(kc, timing, retry);
}

/** createClients of kubernetes/kubernetes. */
export async function createKubeClients(cfg: ProviderConfig): Promise<KubeClients> {
  const o = cfg.target.options as KubeOptions;
  const kc = await loadKubeConfig(o, cfg.env, cfg.target.name);
  return clientsFromKubeConfig(kc, {}, callPolicy(cfg));
}
