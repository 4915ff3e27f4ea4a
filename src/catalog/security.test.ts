// The securitySchemes (and internal-only servers) the catalogue writes per environment, from what
// each platform enforces for `access: private`; the documents still pass @readme/openapi-parser.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validate } from "@readme/openapi-parser";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../providers/_shared/runtime/entries.js";
import type { ServiceSpec, Stack } from "../manifest/types.js";
import { loadBundled } from "../openapi/document.js";
import type { TargetRecord } from "../state/store.js";
import { serverAccess } from "./security.js";
import { writeCatalog } from "./write.js";

const EXAMPLE = join(REPO_ROOT, "examples/petstore-openapi");
const K8S = "http://petstore-k8s.apis.svc.cluster.local:80";

describe("serverAccess per platform", () => {
  const cases: [string, string | undefined, Record<string, string>, unknown][] = [
    [
      "aws/lambda",
      "https://abc.lambda-url.us-east-1.on.aws/",
      {},
      {
        name: "awsSigV4",
        value: {
          type: "apiKey",
          in: "header",
          name: "Authorization",
          "x-amazon-apigateway-authtype": "awsSigv4",
        },
      },
    ],
    [
      "gcp/cloud-run",
      "https://x-uc.a.run.app",
      {},
      { name: "googleIdToken", value: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    ],
    ["gcp/cloud-functions", "https://x.cloudfunctions.net/f", {}, { name: "googleIdToken" }],
    ["firebase/functions", "https://x.a.run.app", {}, { name: "googleIdToken" }],
    [
      "azure/functions",
      "https://x.azurewebsites.net",
      {},
      { name: "azureFunctionKey", value: { type: "apiKey", in: "header", name: "x-functions-key" } },
    ],
  ];
  for (const [platform, endpoint, outputs, scheme] of cases)
    it(`${platform}: private takes a scheme, public none`, () => {
      const a = serverAccess(platform, "private", endpoint, outputs);
      expect(a.scheme).toMatchObject(scheme as object);
      expect(a.scheme?.value.description).toBeTruthy();
      expect(serverAccess(platform, "public", endpoint, outputs)).toEqual({});
    });

  it("network boundaries: no scheme, internal where only a network reaches the server", () => {
    expect(serverAccess("kubernetes/kubernetes", "private", K8S)).toMatchObject({ internal: true });
    // A ClusterIP Service is internal whatever access says.
    expect(serverAccess("azure/aks", "public", K8S)).toMatchObject({
      internal: true,
      note: /inside the Kubernetes cluster/,
    });
    expect(serverAccess("gcp/gke", "public", "http://34.1.2.3")).toEqual({});
    expect(serverAccess("aws/ecs-fargate", "private", "http://internal-x.elb.amazonaws.com")).toMatchObject({
      internal: true,
      note: /VPC/,
    });
    expect(serverAccess("local/process", "private", "http://127.0.0.1:4100")).toMatchObject({
      internal: true,
    });
    const site = serverAccess("azure/app-service", "private", "https://x.azurewebsites.net", {
      allowedIps: "10.0.0.0/16",
    });
    expect(site.scheme).toBeUndefined();
    expect(site.note).toMatch(/10\.0\.0\.0\/16/);
  });
});

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "apiship-catalog-access-"));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const stack = (environment: string, service: Partial<ServiceSpec>): Stack => ({
  id: `petstore/${environment}`,
  app: "petstore",
  environment,
  service: { openapi: "./openapi.yaml", health: { path: "/healthz" }, ...service } as ServiceSpec,
  targets: [],
  baseDir: EXAMPLE,
});
const record = (target: string, platform: string, endpoint: string, outputs = {}): TargetRecord => ({
  target,
  platform,
  name: `petstore-${target}`,
  options: {},
  state: {},
  outputs,
  deployedAt: "2026-01-01T00:00:00.000Z",
  endpoint,
});

type Doc = {
  servers: Record<string, unknown>[];
  components?: { securitySchemes?: object };
  security?: unknown;
};

describe("the catalogue's documents with access: private", () => {
  it("adds each platform's scheme and a security requirement of alternatives; public adds nothing", async () => {
    await writeCatalog(
      "petstore",
      [
        {
          stack: stack("production", { access: "private" }),
          records: [
            record("lambda", "aws/lambda", "https://abc.lambda-url.us-east-1.on.aws/"),
            record("run", "gcp/cloud-run", "https://petstore-abc-ew.a.run.app"),
            record("fn", "azure/functions", "https://petstore-fn.azurewebsites.net"),
          ],
        },
        {
          stack: stack("internal", { access: "private" }),
          records: [
            record("k8s", "kubernetes/kubernetes", K8S),
            record("site", "azure/app-service", "https://petstore-site.azurewebsites.net", {
              allowedIps: "10.0.0.0/16",
            }),
          ],
        },
        {
          stack: stack("public", { access: "public" }),
          records: [record("lambda", "aws/lambda", "https://p.lambda-url.us-east-1.on.aws/")],
        },
      ],
      out,
      loadBundled,
    );
    const read = async (env: string) => {
      const file = join(out, "petstore", env, "openapi.yaml");
      expect(await validate(file)).toMatchObject({ valid: true });
      return parse(await readFile(file, "utf8")) as Doc;
    };

    const prod = await read("production");
    expect(Object.keys(prod.components?.securitySchemes ?? {}).sort()).toEqual([
      "awsSigV4",
      "azureFunctionKey",
      "googleIdToken",
    ]);
    expect(prod.security).toEqual([{ azureFunctionKey: [] }, { awsSigV4: [] }, { googleIdToken: [] }]);
    expect(prod.servers.map((s) => s["x-apiship-security"])).toEqual([
      "azureFunctionKey",
      "awsSigV4",
      "googleIdToken",
    ]);

    const internal = await read("internal");
    expect(internal.components?.securitySchemes).toBeUndefined();
    expect(internal.security).toBeUndefined();
    expect(internal.servers).toEqual([
      {
        url: K8S,
        description:
          "k8s (kubernetes/kubernetes), internal; reachable only inside the Kubernetes cluster (ClusterIP Service)",
        "x-internal": true,
      },
      {
        url: "https://petstore-site.azurewebsites.net",
        description: "site (azure/app-service), internal; access restrictions: only 10.0.0.0/16 get through",
      },
    ]);

    const pub = await read("public");
    expect(pub.components?.securitySchemes).toBeUndefined();
    expect(pub.security).toBeUndefined();
    expect(pub.servers).toEqual([
      { url: "https://p.lambda-url.us-east-1.on.aws/", description: "lambda (aws/lambda), public" },
    ]);
  });

  it("keeps a scheme the document defines by the same name, and its own security", async () => {
    const load = async () => ({
      bundled: {
        openapi: "3.1.0",
        info: { title: "t", version: "1" },
        paths: {},
        security: [{ mine: [] }],
        components: {
          securitySchemes: {
            mine: { type: "http", scheme: "basic" },
            awsSigV4: { type: "http", scheme: "bearer" },
          },
        },
      },
    });
    await writeCatalog(
      "own",
      [
        {
          stack: stack("prod", { access: "private" }),
          records: [record("a", "aws/lambda", "https://x.example/")],
        },
      ],
      out,
      load,
    );
    const file = join(out, "own", "prod", "openapi.yaml");
    expect(await validate(file)).toMatchObject({ valid: true });
    const doc = parse(await readFile(file, "utf8")) as Doc;
    expect(doc.components?.securitySchemes).toEqual({
      mine: { type: "http", scheme: "basic" },
      awsSigV4: { type: "http", scheme: "bearer" },
    });
    expect(doc.security).toEqual([{ mine: [] }]);
  });
});
