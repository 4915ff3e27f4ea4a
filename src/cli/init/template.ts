// The starter manifest `apiship init` writes: commented, valid as written, one target per
// provider asked for. Each provider maps to its natural platform for the kind.

import type { Kind } from "../../manifest/types.js";

interface Starter {
  platform: Partial<Record<Kind, string>>;
  /** Required options with placeholder values, as YAML flow-map entries. */
  options: string;
  comment: string;
}

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
    options: "region: ams",
    comment: "credentials: DIGITALOCEAN_TOKEN",
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

export function starterManifest(name: string, kind: Kind, providers: string[]): string {
  const service =
    kind === "function"
      ? [
          "  function:",
          "    runtime: nodejs20          # nodejs20, nodejs22, python3.12, ... (apiship providers --json lists each platform's)",
          "    handler: index.handler     # file.export",
          "    source: ./src              # folder zipped and uploaded",
        ]
      : ["  container:", '    image: "ghcr.io/acme/' + name + ':${env:GIT_SHA:-latest}"', "    port: 8080"];
  const targets = providers.map((p) => {
    const s = STARTERS[p];
    const platform = s?.platform[kind];
    if (!s || !platform) throw new Error(`no starter for ${p} ${kind}`);
    return `  ${p}: { provider: ${p}, platform: ${platform}, ${s.options} }   # ${s.comment}`;
  });
  const names = providers.join(", ");
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
    "defaultEnvironment: staging",
    "",
  ].join("\n");
}
