// The starter manifest `apiship init` writes: commented, valid as written, one target per
// provider asked for. Each provider maps to its natural platform for the kind.

import type { Kind } from "../../manifest/types.js";

interface Starter {
  platform: Partial<Record<Kind, string>>;
  /** Required options with placeholder values, as YAML flow-map entries; per kind when they differ. */
  options: string | Partial<Record<Kind, string>>;
  comment: string;
  /** The Node.js runtime of its function platform, when that platform does not run NODE_RUNTIME. */
  nodeRuntime?: string;
}

const NODE_RUNTIME = "nodejs20";

export const STARTERS: Record<string, Starter> = {
  aws: {
    platform: { function: "lambda", container: "ecs-fargate" },
    options: "region: us-east-1",
    comment: "credentials: the AWS SDK chain (env, profile, SSO, OIDC in CI)",
  },
  gcp: {
    platform: { function: "cloud-functions", container: "cloud-run" },
    options: "project: my-gcp-project, region: europe-west1",
    comment: "credentials: Application Default Credentials",
  },
  azure: {
    platform: { function: "functions", container: "app-service" },
    options:
      "subscription: 00000000-0000-0000-0000-000000000000, resourceGroup: my-resource-group, location: westeurope",
    comment: "credentials: DefaultAzureCredential (az login, federated identity in CI)",
  },
  digitalocean: {
    platform: { function: "functions", container: "app-platform" },
    // Functions live in a datacenter (ams3), App Platform apps in a region (ams).
    options: { function: "region: ams3", container: "region: ams" },
    comment: "credentials: DIGITALOCEAN_TOKEN",
    nodeRuntime: "nodejs18",
  },
  heroku: {
    platform: { container: "heroku" },
    options: "region: eu",
    comment: "credentials: HEROKU_API_KEY",
  },
  firebase: {
    platform: { function: "functions" },
    options: "project: my-firebase-project, region: us-central1",
    comment: "credentials: Application Default Credentials",
  },
  kubernetes: {
    platform: { container: "kubernetes" },
    options: "namespace: default",
    comment: "credentials: your kubeconfig (KUBECONFIG or ~/.kube/config); set context: to pick one",
  },
};

export function providersFor(kind: Kind): string[] {
  return Object.keys(STARTERS).filter((p) => STARTERS[p]?.platform[kind] !== undefined);
}

const nodeRuntimeOf = (p: string): string => STARTERS[p]?.nodeRuntime ?? NODE_RUNTIME;

/**
 * Providers whose function platform runs another Node.js than the rest cannot share one
 * service block with them: like examples/hello-fn, each gets an environment of its own that
 * overrides the runtime, and staging/production keep the others.
 */
function splitByRuntime(
  kind: Kind,
  providers: string[],
): { runtime: string; main: string[]; apart: string[] } {
  if (kind !== "function") return { runtime: NODE_RUNTIME, main: providers, apart: [] };
  const main = providers.filter((p) => nodeRuntimeOf(p) === NODE_RUNTIME);
  if (main.length === 0) return { runtime: nodeRuntimeOf(providers[0] ?? ""), main: providers, apart: [] };
  return { runtime: NODE_RUNTIME, main, apart: providers.filter((p) => !main.includes(p)) };
}

function targetLine(p: string, kind: Kind): string {
  const s = STARTERS[p];
  const platform = s?.platform[kind];
  if (!s || !platform) throw new Error(`no starter for ${p} ${kind}`);
  const options = typeof s.options === "string" ? s.options : s.options[kind];
  return `  ${p}: { provider: ${p}, platform: ${platform}, ${options} }   # ${s.comment}`;
}

export function starterManifest(name: string, kind: Kind, providers: string[]): string {
  const { runtime, main, apart } = splitByRuntime(kind, providers);
  const service =
    kind === "function"
      ? [
          "  function:",
          `    runtime: ${runtime.padEnd(18)}# nodejs20, nodejs22, python3.12, ... (apiship providers --json lists each platform's)`,
          "    handler: index.handler     # module.export: a fetch handler (Request => Response), or main:app for Python ASGI",
          "    source: ./src              # folder built into each platform's package (README: Function code)",
        ]
      : ["  container:", '    image: "ghcr.io/acme/' + name + ':${env:GIT_SHA:-latest}"', "    port: 8080"];
  const targets = providers.map((p) => targetLine(p, kind));
  const separate = apart.map(
    (p) =>
      `  ${p}: { targets: [${p}], service: { function: { runtime: ${nodeRuntimeOf(p)} } } }   # runs ${nodeRuntimeOf(p)}, not ${runtime}`,
  );
  const names = main.join(", ");
  return [
    "# yaml-language-server: $schema=./node_modules/apiship/schema/apiship.schema.json",
    "# apiship manifest: one HTTP API, deployed to the targets below.",
    "# Check it with `apiship validate`; preview with `apiship plan --offline`.",
    "apiVersion: apiship/v1",
    `name: ${name}`,
    "service:",
    ...service,
    "  env:",
    "    LOG_LEVEL: info",
    "  # Secrets are references, resolved only while deploying and never printed:",
    "  # env:NAME, file:PATH, aws-sm:ID, gcp-sm:NAME, azure-kv:VAULT/SECRET",
    "  secrets: {}",
    "  resources: { memory: 512 }   # MiB; cpu: 1 for vCPU",
    "  scaling: { min: 0, max: 10 } # min > 0 keeps instances warm (no cold starts)",
    "  health: { path: /healthz, timeout: 5s }",
    "  access: public               # or private (platform IAM)",
    "targets:",
    ...targets,
    "environments:",
    `  staging: { targets: [${names}] }`,
    `  production: { targets: [${names}], service: { scaling: { min: 1 } } }`,
    ...separate,
    "defaultEnvironment: staging",
    "",
  ].join("\n");
}
