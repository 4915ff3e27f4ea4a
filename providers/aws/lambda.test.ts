// aws/lambda with the SDK mocked (aws-sdk-client-mock): every command the adapter sends is
// asserted with its input, driven by responses shaped like the model's examples
// (fixtures/responses/aws/).
import {
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  NoSuchEntityException,
} from "@aws-sdk/client-iam";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  GetProvisionedConcurrencyConfigCommand,
  LambdaClient,
  ProvisionedConcurrencyConfigNotFoundException,
  PublishVersionCommand,
  ResourceNotFoundException,
  UpdateAliasCommand,
} from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/provider.js";
import { NAME, SECRET_VALUE, adapter, functionSource, serviceFor } from "../../test/fakes/aws/harness.js";
import type { ZipArtifact } from "../_shared/artifact.js";
import type { AwsClients } from "./clients.js";
import { lambda } from "./lambda.js";
import type { LambdaState } from "./lambda.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures/responses/aws");
const fixture = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as T;

const lambdaMock = mockClient(LambdaClient);
const iamMock = mockClient(IAMClient);
const HASHES = { API_KEY: "hmac-sha256:1" };
const service = serviceFor(functionSource());
const target = {
  name: "api",
  provider: "aws",
  platform: "lambda",
  options: lambda.options.parse({ region: "us-east-1" }),
};
const stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
const READS = /^(Get|List)/;

async function ctxFor(t = target): Promise<Ctx<AwsClients>> {
  const env = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", APISHIP_AWS_POLL_MS: "1" };
  return {
    clients: await adapter.createClients({ target: t, env }),
    stack,
    target: t,
    progress: { step: () => {}, done: () => {} },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    signal: new AbortController().signal,
  };
}

/** Every command sent, in order, as [name, input]. */
function sent(): [string, Record<string, unknown>][] {
  return [...iamMock.calls(), ...lambdaMock.calls()]
    .sort((a, b) => (a as unknown as { callId: number }).callId - (b as unknown as { callId: number }).callId)
    .map((c) => {
      const cmd = c.args[0] as unknown as { constructor: { name: string }; input: Record<string, unknown> };
      return [cmd.constructor.name.replace(/Command$/, ""), cmd.input];
    });
}
const mutations = () => sent().filter(([n]) => !READS.test(n));

let zip: ZipArtifact;
beforeEach(async () => {
  lambdaMock.reset();
  iamMock.reset();
  zip = (await adapter.build?.(await ctxFor(), service)) as ZipArtifact;
});
afterEach(() => {
  lambdaMock.reset();
  iamMock.reset();
});

const notFound = () =>
  new ResourceNotFoundException({ message: "Function not found", $metadata: { httpStatusCode: 404 } });

/** The cloud holding exactly what the manifest asks for (alias live → 3). */
function liveFunction(overrides: Record<string, unknown> = {}) {
  const got = fixture<{ Configuration: Record<string, unknown> }>("lambda-get-function");
  got.Configuration = { ...got.Configuration, CodeSha256: zip.sha256Base64, ...overrides };
  iamMock.on(GetRoleCommand).resolves(fixture("iam-role"));
  iamMock.on(ListAttachedRolePoliciesCommand).resolves(fixture("iam-list-attached-role-policies"));
  lambdaMock.on(GetFunctionCommand).resolves(got);
  lambdaMock.on(GetAliasCommand).resolves(fixture("lambda-alias"));
  lambdaMock.on(GetFunctionUrlConfigCommand).resolves(fixture("lambda-function-url"));
  lambdaMock.on(GetPolicyCommand).resolves(fixture("lambda-get-policy"));
  lambdaMock.on(GetProvisionedConcurrencyConfigCommand).rejects(
    new ProvisionedConcurrencyConfigNotFoundException({
      message: "No Provisioned Concurrency Config found",
      $metadata: {},
    }),
  );
  lambdaMock
    .on(GetFunctionConfigurationCommand)
    .resolves({ ...fixture("lambda-get-function-configuration-active"), CodeSha256: zip.sha256Base64 });
  lambdaMock.on(PublishVersionCommand).resolves(fixture("lambda-publish-version"));
  lambdaMock.on(UpdateAliasCommand).resolves({ ...fixture("lambda-alias"), FunctionVersion: "4" });
}

const PRIOR: LambdaState = { name: NAME, region: "us-east-1", function: { secrets: HASHES } as never };

async function planAndApply(svc = service, t = target, prior: LambdaState | undefined = PRIOR) {
  const ctx = await ctxFor(t);
  const observed = await adapter.read(ctx, prior, NAME);
  const req = {
    stack,
    target: t,
    service: svc,
    name: NAME,
    recorded: prior,
    observed,
    secretHashes: HASHES,
    artifact: zip,
  };
  const { changes } = adapter.plan(req);
  lambdaMock.resetHistory();
  iamMock.resetHistory();
  const result = await adapter.apply(ctx, { ...req, changes, secrets: { API_KEY: SECRET_VALUE } });
  return { changes, result };
}

describe("aws/lambda with a mocked SDK", () => {
  it("creates role, function, version, alias, public URL and concurrency, waiting for Active", async () => {
    iamMock.onAnyCommand().resolves({});
    iamMock.on(GetRoleCommand).rejects(
      new NoSuchEntityException({
        message: "The role with name shop-dev-api-exec cannot be found.",
        $metadata: {},
      }),
    );
    iamMock.on(CreateRoleCommand).resolves(fixture("iam-role"));
    lambdaMock.on(GetFunctionCommand).rejects(notFound());
    lambdaMock.on(CreateFunctionCommand).resolves(fixture("lambda-create-function"));
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce({ State: "Pending", LastUpdateStatus: "InProgress" })
      .resolves(fixture("lambda-get-function-configuration-active"));
    lambdaMock.on(PublishVersionCommand).resolves({ ...fixture("lambda-publish-version"), Version: "1" });
    lambdaMock.on(CreateAliasCommand).resolves({ ...fixture("lambda-alias"), FunctionVersion: "1" });
    lambdaMock.on(CreateFunctionUrlConfigCommand).resolves(fixture("lambda-function-url"));
    const { changes, result } = await planAndApply(service, target, undefined);
    expect(changes.map((c) => [c.type, c.action])).toEqual([
      ["role", "create"],
      ["function", "create"],
      ["alias", "create"],
      ["url", "create"],
      ["concurrency", "create"],
    ]);
    const calls = sent();
    expect(calls.map(([n]) => n)).toEqual([
      "GetRole",
      "GetFunction",
      "CreateRole",
      "AttachRolePolicy",
      "CreateFunction",
      "GetFunctionConfiguration",
      "GetFunctionConfiguration",
      "PublishVersion",
      "CreateAlias",
      "CreateFunctionUrlConfig",
      "AddPermission",
      "AddPermission",
      "PutFunctionConcurrency",
    ]);
    const input = (name: string, i = 0) => calls.filter(([n]) => n === name)[i]?.[1];
    expect(input("CreateRole")).toMatchObject({
      RoleName: "shop-dev-api-exec",
      Tags: expect.arrayContaining([{ Key: "apiship:managed", Value: "true" }]),
    });
    expect(JSON.parse(String(input("CreateRole")?.AssumeRolePolicyDocument))).toMatchObject({
      Statement: [{ Principal: { Service: "lambda.amazonaws.com" } }],
    });
    expect(input("AttachRolePolicy")).toEqual({
      RoleName: "shop-dev-api-exec",
      PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    });
    expect(input("CreateFunction")).toMatchObject({
      FunctionName: NAME,
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      MemorySize: 512,
      Timeout: 10,
      Role: "arn:aws:iam::123456789012:role/shop-dev-api-exec",
      Architectures: ["x86_64"],
      EphemeralStorage: { Size: 512 },
      Environment: { Variables: { LOG_LEVEL: "info", API_KEY: SECRET_VALUE } },
      Tags: { "apiship:stack": "shop/dev", "apiship:target": "api" },
    });
    const code = input("CreateFunction")?.Code as { ZipFile: Uint8Array };
    expect(Buffer.from(code.ZipFile).equals(readFileSync(zip.path))).toBe(true);
    expect(input("PublishVersion")).toEqual({ FunctionName: NAME, CodeSha256: zip.sha256Base64 });
    expect(input("CreateAlias")).toEqual({ FunctionName: NAME, Name: "live", FunctionVersion: "1" });
    expect(input("CreateFunctionUrlConfig")).toEqual({
      FunctionName: NAME,
      Qualifier: "live",
      AuthType: "NONE",
    });
    expect(input("AddPermission", 0)).toMatchObject({
      Action: "lambda:InvokeFunctionUrl",
      Principal: "*",
      FunctionUrlAuthType: "NONE",
      Qualifier: "live",
    });
    expect(input("AddPermission", 1)).toMatchObject({
      Action: "lambda:InvokeFunction",
      Principal: "*",
      InvokedViaFunctionUrl: true,
    });
    expect(input("PutFunctionConcurrency")).toEqual({ FunctionName: NAME, ReservedConcurrentExecutions: 5 });
    expect(result).toMatchObject({
      endpoint: "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/",
      release: "1",
    });
    expect(JSON.stringify(result.state)).not.toContain(SECRET_VALUE);
  });

  it("plans no change for an unchanged function and applies with reads only", async () => {
    liveFunction();
    const { changes, result } = await planAndApply();
    expect(changes.every((c) => c.action === "no-op")).toBe(true);
    expect(mutations()).toEqual([]);
    expect(result.release).toBe("3");
    expect(changes.find((c) => c.type === "function")?.sensitivePaths).toEqual(["secrets.API_KEY"]);
    expect(JSON.stringify(changes)).not.toContain(SECRET_VALUE);
  });

  it("uploads only the code when only the code changed, then publishes and moves the alias", async () => {
    liveFunction({ CodeSha256: "b2xkLWNvZGUtaGFzaA==" });
    const { changes } = await planAndApply();
    expect(changes.find((c) => c.type === "function")).toMatchObject({
      action: "update",
      reason: "codeSha256 changed",
    });
    expect(mutations().map(([n]) => n)).toEqual(["UpdateFunctionCode", "PublishVersion", "UpdateAlias"]);
    expect(mutations()[0]?.[1]).toMatchObject({ FunctionName: NAME });
    expect(mutations()[2]?.[1]).toEqual({ FunctionName: NAME, Name: "live", FunctionVersion: "4" });
  });

  it("updates only the configuration when only memory changed", async () => {
    liveFunction();
    const svc = { ...service, resources: { memory: 1024 } };
    const { changes } = await planAndApply(svc);
    expect(changes.find((c) => c.type === "function")).toMatchObject({
      action: "update",
      reason: "memory changed",
    });
    expect(mutations().map(([n]) => n)).toEqual([
      "UpdateFunctionConfiguration",
      "PublishVersion",
      "UpdateAlias",
    ]);
    expect(mutations()[0]?.[1]).toMatchObject({
      FunctionName: NAME,
      MemorySize: 1024,
      Environment: { Variables: { API_KEY: SECRET_VALUE } },
    });
  });

  it("replaces the function and what hangs off it when the architecture changes", async () => {
    liveFunction();
    lambdaMock.on(CreateFunctionCommand).resolves(fixture("lambda-create-function"));
    lambdaMock.on(CreateAliasCommand).resolves(fixture("lambda-alias"));
    lambdaMock.on(CreateFunctionUrlConfigCommand).resolves(fixture("lambda-function-url"));
    const moved = { ...target, options: { ...target.options, architecture: "arm64" as const } };
    const { changes } = await planAndApply(service, moved);
    expect(changes.filter((c) => c.action === "replace").map((c) => c.type)).toEqual([
      "function",
      "alias",
      "url",
      "concurrency",
    ]);
    expect(changes.find((c) => c.type === "function")?.replacePaths).toEqual(["architecture"]);
    expect(mutations().map(([n]) => n)).toEqual([
      "DeleteFunctionUrlConfig",
      "DeleteProvisionedConcurrencyConfig",
      "DeleteAlias",
      "DeleteFunction",
      "CreateFunction",
      "PublishVersion",
      "CreateAlias",
      "CreateFunctionUrlConfig",
      "AddPermission",
      "AddPermission",
      "PutFunctionConcurrency",
    ]);
    expect(mutations()[4]?.[1]).toMatchObject({ Architectures: ["arm64"] });
  });

  it("rolls back by pointing the alias at the earlier version", async () => {
    lambdaMock
      .onAnyCommand()
      .resolves({ AliasArn: "arn:aws:lambda:us-east-1:123456789012:function:shop-dev-api:live" });
    const state: LambdaState = {
      name: NAME,
      region: "us-east-1",
      alias: { name: "live", functionVersion: "4" },
    };
    const to: LambdaState = { ...state, alias: { name: "live", functionVersion: "3" } };
    const result = await adapter.rollback?.(await ctxFor(), state, to);
    expect(sent()).toEqual([["UpdateAlias", { FunctionName: NAME, Name: "live", FunctionVersion: "3" }]]);
    expect(result?.release).toBe("3");
  });

  it("destroys URL, provisioned concurrency, alias, function, then its own role; gone is success", async () => {
    iamMock.onAnyCommand().resolves({});
    iamMock.on(ListAttachedRolePoliciesCommand).resolves(fixture("iam-list-attached-role-policies"));
    lambdaMock.onAnyCommand().rejects(notFound());
    const state: LambdaState = {
      name: NAME,
      region: "us-east-1",
      role: {
        name: "shop-dev-api-exec",
        arn: "arn:aws:iam::123456789012:role/shop-dev-api-exec",
        managed: true,
        policies: [],
        tags: {},
      },
    };
    await adapter.destroy(await ctxFor(), state);
    expect(sent()).toEqual([
      ["DeleteFunctionUrlConfig", { FunctionName: NAME, Qualifier: "live" }],
      ["DeleteProvisionedConcurrencyConfig", { FunctionName: NAME, Qualifier: "live" }],
      ["DeleteAlias", { FunctionName: NAME, Name: "live" }],
      ["DeleteFunction", { FunctionName: NAME }],
      ["ListAttachedRolePolicies", { RoleName: "shop-dev-api-exec" }],
      [
        "DetachRolePolicy",
        {
          RoleName: "shop-dev-api-exec",
          PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        },
      ],
      ["DeleteRole", { RoleName: "shop-dev-api-exec" }],
    ]);
  });

  it("loads no SDK module when the provider is imported and planned offline", async () => {
    const root = join(import.meta.dirname, "../..");
    const dir = join(root, "node_modules", ".cache", `apiship-lazy-${process.pid}`);
    const bundle = join(dir, "aws.mjs");
    await build({
      entryPoints: [join(root, "providers/aws/index.ts")],
      bundle: true,
      packages: "external",
      format: "esm",
      platform: "node",
      outfile: bundle,
      logLevel: "silent",
    });
    const log = join(dir, "modules.log");
    const script = `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const t = await m.default.targets.lambda.load();
      const target = { name: "api", provider: "aws", platform: "lambda", options: t.options.parse({ region: "us-east-1" }) };
      const r = t.plan({ stack: { id: "s/d" }, target, service: ${JSON.stringify(service)}, name: "fn", recorded: undefined, observed: undefined, secretHashes: {} });
      console.log(r.changes.length);`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      env: {
        ...process.env,
        NODE_OPTIONS: `--import=${join(root, "test/e2e/fixtures/record-modules.mjs")}`,
        APISHIP_E2E_MODULE_LOG: log,
      },
    });
    const modules = readFileSync(log, "utf8");
    rmSync(dir, { recursive: true, force: true });
    expect(out.trim()).toBe("5");
    expect(modules).toMatch(/esm zod /);
    expect(modules).not.toMatch(/@aws-sdk|@smithy/);
  });
});
