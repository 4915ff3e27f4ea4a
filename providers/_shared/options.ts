// Option pieces several platforms share, so one concept is spelled, validated and documented
// once: an endpoint override, cloud identifiers, the Kubernetes exposure block (kubernetes,
// azure/aks, gcp/gke) and the neutral runtime vocabulary of the manifest.
// Data only: nothing here may import an SDK (DESIGN.md §9.8).

import * as z from "zod";
import { ManifestError } from "../../src/errors.js";

/** Control-plane URL override: LocalStack, a sovereign cloud, an emulator or a test fake. */
export function endpointOption(what: string, example: string) {
  return z.url({ protocol: /^https?$/, error: "must be an http(s) URL, e.g. http://127.0.0.1:4566" }).meta({
    description: `Override the ${what} API endpoint (emulators, sovereign clouds, test fakes). Default: the public endpoint.`,
    examples: [example],
  });
}

// ---- AWS ------------------------------------------------------------------------------------

// Form only, not a list: a list goes stale with every new region (cn-, -gov- included).
export const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, {
    error: 'must be an AWS region such as "us-east-1" or "eu-central-1"',
  })
  .meta({ description: "AWS region to deploy to.", examples: ["us-east-1", "eu-central-1"] });

export const awsProfile = z
  .string()
  .min(1)
  .meta({
    description:
      "Named profile of the shared AWS config/credentials files. Default: the standard credential chain (AWS_PROFILE, env, SSO, instance role).",
    examples: ["prod-deployer"],
  });

// ---- Azure ----------------------------------------------------------------------------------

export const azureSubscription = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    error: "must be a subscription id (GUID), e.g. 34adfa4f-cedf-4dc0-ba29-b6d1a69ab345",
  })
  .meta({
    description: "Azure subscription id (GUID) that holds the resources.",
    examples: ["34adfa4f-cedf-4dc0-ba29-b6d1a69ab345"],
  });

// ARM: 1-90 characters, letters, digits, -, _, ., ( and ); may not end with a period.
export const azureResourceGroup = z
  .string()
  .regex(/^[-\w.()]{0,89}[-\w()]$/, {
    error: "must be 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'",
  })
  .meta({
    description: "Resource group of the resources; created when missing.",
    examples: ["rg-sentiment-api-prod"],
  });

/**
 * Most Azure targets deployed at once. Azure Resource Manager throttles each subscription's
 * writes per region with a token bucket of 200 that refills at 10 a second (learn.microsoft.com,
 * "Understand how Azure Resource Manager throttles requests"); one target's deploy is a burst of
 * writes and long-running operations, and four at a time stay well inside it where eight could not.
 */
export const AZURE_CONCURRENCY = 4;

// The canonical (programmatic) region name: ARM also accepts display names ("East US") but
// returns the canonical one, which would show as drift on every plan.
export const azureLocation = z
  .string()
  .regex(/^[a-z][a-z0-9]*$/, {
    error: 'must be a canonical Azure region name such as "westeurope" or "eastus2"',
  })
  .meta({
    description: 'Azure region, canonical name (`az account list-locations -o table`), e.g. "westeurope".',
    examples: ["westeurope", "eastus2"],
  });

// ---- Google Cloud -----------------------------------------------------------------------------

export const gcpProject = z
  .string()
  .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, {
    error: "must be a project id: 6-30 lowercase letters, digits or hyphens, starting with a letter",
  })
  .meta({ description: "Google Cloud project id (not its number or display name).", examples: ["acme-ml"] });

export const gcpRegion = z
  .string()
  .regex(/^[a-z]+-[a-z]+\d+$/, { error: 'must be a Google Cloud region such as "europe-west1"' })
  .meta({ description: "Google Cloud region.", examples: ["europe-west1", "us-central1"] });

export const gcpServiceAccount = z
  .email({ error: "must be a service account e-mail, e.g. api@acme-ml.iam.gserviceaccount.com" })
  .meta({
    description:
      "Service account the workload runs as. Default: the project's default compute service account.",
    examples: ["sentiment-api@acme-ml.iam.gserviceaccount.com"],
  });

export const gcpVpcConnector = z
  .string()
  .regex(
    /^(projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/[a-z]+-[a-z]+\d+\/connectors\/)?[a-z][-a-z0-9]{0,23}$/,
    {
      error: "must be a Serverless VPC Access connector name or projects/P/locations/R/connectors/NAME",
    },
  )
  .meta({
    description: "Serverless VPC Access connector for egress into a VPC (short name, or full resource name).",
    examples: ["apis-connector", "projects/acme-ml/locations/europe-west1/connectors/apis-connector"],
  });

// ---- Kubernetes exposure (kubernetes, azure/aks, gcp/gke) --------------------------------------

// DNS-1123 label: the form of namespaces and secret references used below.
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const ingressOptions = z
  .strictObject({
    host: z
      .string()
      .regex(dnsSubdomain, { error: "must be a DNS host name such as api.example.com" })
      .max(253)
      .meta({ description: "Host name the Ingress routes to the service.", examples: ["api.example.com"] }),
    className: z
      .string()
      .regex(dnsSubdomain, { error: "must be an IngressClass name such as nginx" })
      .meta({
        description: "IngressClass that serves the Ingress. Default: the cluster's default class.",
        examples: ["nginx", "webapprouting.kubernetes.azure.com", "gce"],
      })
      .optional(),
    tlsSecret: z
      .string()
      .regex(dnsSubdomain, { error: "must be the name of a Secret in the namespace" })
      .meta({
        description:
          "Secret (type kubernetes.io/tls) with the certificate for `host`; TLS is off when absent.",
        examples: ["api-example-com-tls"],
      })
      .optional(),
  })
  .meta({
    description: "Ingress settings, required when `expose` is `ingress`.",
    examples: [{ host: "api.example.com", className: "nginx", tlsSecret: "api-example-com-tls" }],
  });

export const kubernetesExposure = {
  namespace: z
    .string()
    .regex(dnsLabel, { error: "must be a DNS-1123 label: lowercase letters, digits and '-', at most 63" })
    .max(63)
    .default("default")
    .meta({ description: "Namespace the Deployment and Service go to.", examples: ["apis"] }),
  createNamespace: z
    .boolean()
    .default(true)
    .meta({ description: "Create the namespace when it does not exist.", examples: [false] }),
  expose: z
    .enum(["cluster-ip", "load-balancer", "ingress"])
    .default("cluster-ip")
    .meta({
      description:
        "How the service is reached: `cluster-ip` (inside the cluster only), `load-balancer` (a Service of type LoadBalancer with a public address), or `ingress` (an Ingress for `ingress.host`).",
      examples: ["ingress", "load-balancer"],
    }),
  ingress: ingressOptions.optional(),
  imagePullSecrets: z
    .array(z.string().regex(dnsSubdomain, { error: "must be the name of a Secret in the namespace" }))
    .meta({
      description:
        "Secrets (type kubernetes.io/dockerconfigjson) used to pull the image from a private registry.",
      examples: [["ghcr-pull"]],
    })
    .optional(),
};

/** Cross-field rule of the exposure block: an Ingress needs a host. */
export function checkExposure(o: { expose: string; ingress?: unknown }, ctx: z.RefinementCtx): void {
  if (o.expose === "ingress" && o.ingress === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["ingress"],
      message: "`expose: ingress` needs `ingress: { host: ... }`",
    });
  }
}

// ---- Neutral function runtimes ----------------------------------------------------------------

/** The manifest's runtime ids: nodejs22, python3.12, go1.22, java21, dotnet8, ruby3.3, php8.3. */
export const NEUTRAL_RUNTIME = /^(?:(nodejs|java|dotnet)(\d+)|(python|go|ruby|php)(\d+)\.(\d+))$/;

export interface NeutralRuntime {
  language: "nodejs" | "python" | "go" | "java" | "dotnet" | "ruby" | "php";
  major: string;
  /** Minor version, for the languages that name one (python3.12 → "12"). */
  minor?: string;
}

/**
 * Maps a neutral runtime id to a platform's own spelling. Throws a ManifestError naming the
 * runtimes the platform does run when `neutral` is not one of them, so an adapter that is
 * handed an unchecked manifest still fails with a useful message.
 */
export function mapRuntime(
  platformId: string,
  supported: readonly string[],
  neutral: string,
  spell: (r: NeutralRuntime) => string,
): string {
  const m = NEUTRAL_RUNTIME.exec(neutral);
  if (!m || !supported.includes(neutral)) {
    throw new ManifestError(`${platformId} does not run "${neutral}"`, [
      {
        severity: "error",
        code: "unsupported-runtime",
        message: `runtime "${neutral}" is not available on ${platformId}`,
        path: "service.function.runtime",
        hint: `${platformId} runs: ${supported.join(", ")}`,
      },
    ]);
  }
  const language = (m[1] ?? m[3]) as NeutralRuntime["language"];
  const major = (m[2] ?? m[4]) as string;
  return spell(m[5] === undefined ? { language, major } : { language, major, minor: m[5] });
}
