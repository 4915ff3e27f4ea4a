// whoami() of aws/lambda and aws/ecs-fargate against the AWS fake: the caller identity from
// STS, the region's read (GetAccountSettings, DescribeClusters), a reach failure kept apart from
// the identity, and rejected credentials mapped to CREDENTIALS with a hint. Reads only.
import { CreateClusterCommand, ECSClient } from "@aws-sdk/client-ecs";
import { afterEach, describe, expect, it } from "vitest";
import type { Ctx, Identity } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { startAwsFake } from "../../test/fakes/aws/index.js";
import type { AwsFake } from "../../test/fakes/aws/index.js";
import { createAwsClients, createEcsClients } from "./clients.js";
import { ecsFargate } from "./ecs-fargate.js";
import { mapAwsError } from "./errors.js";
import { lambda } from "./lambda.js";

const KEYS = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" };
let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function ctxOf<C>(clients: C, options: Record<string, unknown>): Ctx<C> {
  const target = { name: "api", provider: "aws", platform: "lambda", options };
  return {
    clients,
    target,
    stack: { id: "shop/dev", app: "shop", environment: "dev", service: {} as never, targets: [target] },
    progress: { step: () => undefined, done: () => undefined },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined },
    signal: new AbortController().signal,
  };
}

async function lambdaWhoami(
  env: Record<string, string>,
  options: Record<string, unknown>,
): Promise<Identity> {
  const target = { name: "api", provider: "aws", platform: "lambda", options };
  const clients = await createAwsClients({ target, env: { ...KEYS, ...env } });
  return lambda.whoami!(ctxOf(clients, options));
}

describe("aws whoami", () => {
  it("lambda: the caller's ARN and account, and the region's account settings", async () => {
    fake = await startAwsFake({ world: { account: "210987654321" } });
    const id = await lambdaWhoami({}, { region: "eu-west-1", endpoint: fake.url });
    expect(id).toMatchObject({
      principal: "arn:aws:iam::210987654321:user/deployer",
      account: "account 210987654321",
      reach: { ok: true, detail: "Lambda in eu-west-1 answered: 0 functions, concurrency limit 1000" },
    });
    const sent = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(sent).toEqual(["POST /", "GET /2016-08-19/account-settings"]);
  });

  it("lambda: a region that does not answer fails the reach, not the identity", async () => {
    fake = await startAwsFake();
    const id = await lambdaWhoami(
      { AWS_ENDPOINT_URL_STS: fake.url, AWS_ENDPOINT_URL_LAMBDA: "http://127.0.0.1:9" },
      { region: "us-east-1" },
    );
    expect(id.principal).toBe("arn:aws:iam::123456789012:user/deployer");
    expect(id.reach?.ok).toBe(false);
    const error = id.reach && !id.reach.ok ? id.reach.error : undefined;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: "NETWORK", message: expect.stringMatching(/^GetAccountSettings: /) });
  });

  it("ecs-fargate: the target's cluster, missing and then ACTIVE", async () => {
    fake = await startAwsFake();
    const options = ecsFargate.options.parse({
      region: "us-east-1",
      endpoint: fake.url,
      vpc: "vpc-0a1b2c3d",
      cluster: "apis",
    }) as Record<string, unknown>;
    const target = { name: "api", provider: "aws", platform: "ecs-fargate", options };
    const clients = await createEcsClients({ target, env: KEYS });
    const before = await ecsFargate.whoami!(ctxOf(clients, options));
    expect(before.reach).toEqual({
      ok: true,
      detail: "ECS in us-east-1 answered: no cluster apis yet (the first deploy creates it)",
    });
    const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
    const ecs = new ECSClient({ region: "us-east-1", endpoint: fake.url, credentials: creds });
    await ecs.send(new CreateClusterCommand({ clusterName: "apis" }));
    const after = await ecsFargate.whoami!(ctxOf(clients, options));
    expect(after).toMatchObject({
      principal: "arn:aws:iam::123456789012:user/deployer",
      reach: { ok: true, detail: "ECS in us-east-1 answered: cluster apis is ACTIVE" },
    });
  });

  it("maps credentials AWS rejects to CREDENTIALS with a hint", () => {
    const e = Object.assign(new Error("The security token included in the request is invalid."), {
      name: "InvalidClientTokenId",
      $metadata: { httpStatusCode: 403 },
    });
    const mapped = mapAwsError(e, "GetCallerIdentity", "api");
    expect(mapped).toMatchObject({ code: "CREDENTIALS", fault: "user", retryable: false });
    expect(mapped.hint).toMatch(/rejected the credentials/);
  });
});
