// What each environment's OpenAPI document says about access (issue 23 item 4): for every live
// server, the security scheme the platform enforces when `access: private`, or that the server is
// internal only. Pure: it reads the platform id, the access asked for and the recorded endpoint.
//
// - AWS Lambda Function URL with AuthType AWS_IAM: a SigV4-signed request. OpenAPI has no SigV4
//   type; AWS describes it as an apiKey in the Authorization header marked
//   `x-amazon-apigateway-authtype: awsSigv4` (API Gateway developer guide, "x-amazon-apigateway-
//   authtype extension": https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authtype.html).
// - Cloud Run, Cloud Functions (gen2, a Run service) and Firebase functions: IAM run.invoker,
//   checked on a Google-signed ID token sent as a bearer JWT.
// - Azure Functions: the HTTP trigger's `function` auth level, a key in x-functions-key or ?code=.
// - Networks, not credentials: an App Service site behind access restrictions, an internal ALB,
//   a ClusterIP Service, a loopback listener: no scheme, the server says where it is reachable
//   from (`x-internal: true` where it is reachable only inside the cluster, VPC or machine).

import type { Access } from "../manifest/types.js";
import type { JsonRecord } from "../openapi/values.js";

export interface ServerAccess {
  /** components.securitySchemes entry the server enforces, by name; none for a network boundary. */
  scheme?: { name: string; value: JsonRecord };
  /** Reachable only from inside a network (cluster, VPC, machine). */
  internal?: boolean;
  /** Appended to the server's description. */
  note?: string;
}

const SIGV4: JsonRecord = {
  type: "apiKey",
  in: "header",
  name: "Authorization",
  "x-amazon-apigateway-authtype": "awsSigv4",
  description:
    "AWS Signature Version 4 (Lambda Function URL with AuthType AWS_IAM): sign each request with credentials allowed lambda:InvokeFunctionUrl on the function, service name `lambda`.",
};

const GOOGLE_ID_TOKEN: JsonRecord = {
  type: "http",
  scheme: "bearer",
  bearerFormat: "JWT",
  description:
    "A Google-signed ID token whose audience is the service URL (e.g. `gcloud auth print-identity-token`), for a principal with roles/run.invoker; the service allows no unauthenticated calls.",
};

const FUNCTION_KEY: JsonRecord = {
  type: "apiKey",
  in: "header",
  name: "x-functions-key",
  description:
    "An Azure Functions function key (the trigger's auth level is `function`), in this header or the `code` query parameter; `az functionapp keys list -g <group> -n <app>` shows it.",
};

const inCluster = (url: string | undefined) => url?.includes(".svc.cluster.local") === true;

/** What the platform enforces on one deployed target of an environment with `access`. */
export function serverAccess(
  platform: string,
  access: Access,
  endpoint: string | undefined,
  outputs: Record<string, string> = {},
): ServerAccess {
  // A ClusterIP Service is internal whatever access says: its URL is the cluster's DNS name.
  if (inCluster(endpoint))
    return { internal: true, note: "reachable only inside the Kubernetes cluster (ClusterIP Service)" };
  if (access !== "private") return {};
  switch (platform) {
    case "aws/lambda":
      return { scheme: { name: "awsSigV4", value: SIGV4 }, note: "AWS_IAM: requests signed with SigV4" };
    case "gcp/cloud-run":
    case "gcp/cloud-functions":
    case "firebase/functions":
      return {
        scheme: { name: "googleIdToken", value: GOOGLE_ID_TOKEN },
        note: "IAM: a Google-signed ID token",
      };
    case "azure/functions":
      return { scheme: { name: "azureFunctionKey", value: FUNCTION_KEY }, note: "a function key" };
    case "azure/app-service":
      return {
        note: `access restrictions: only ${outputs.allowedIps ?? "the target's allowedIps"} get through`,
      };
    case "aws/ecs-fargate":
      return { internal: true, note: "reachable only inside the VPC (internal load balancer)" };
    case "local/process":
    case "local/container":
      return { internal: true, note: "reachable only on the machine that runs it (loopback)" };
    default:
      return {};
  }
}
