// The AWS fake, driven by the real SDK clients through AWS_ENDPOINT_URL-style endpoints: paths,
// status codes, error codes and state transitions as the models describe them.
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  GetRoleCommand,
  IAMClient,
  AttachRolePolicyCommand,
} from "@aws-sdk/client-iam";
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  PublishVersionCommand,
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  GetFunctionConcurrencyCommand,
  PutFunctionConcurrencyCommand,
} from "@aws-sdk/client-lambda";
import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { seeded } from "../_shared/server.js";
import { startAwsFake } from "./index.js";
import type { AwsFake } from "./index.js";

let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret-key-example" };
const cfg = (f: AwsFake) => ({ region: "us-east-1", endpoint: f.url, credentials: creds, maxAttempts: 1 });
const zip = Buffer.from("PK\u0005\u0006" + "\u0000".repeat(18), "binary");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createFn(l: LambdaClient, name = "fn") {
  return l.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs22.x",
      Role: "arn:aws:iam::123456789012:role/r",
      Handler: "index.handler",
      Code: { ZipFile: zip },
      Tags: { "apiship:stack": "s/dev" },
    }),
  );
}

describe("AWS fake: Lambda", () => {
  it("creates a function Pending, turns it Active, and hashes the code like Lambda", async () => {
    fake = await startAwsFake({ world: { transitionMs: 60 } });
    const l = new LambdaClient(cfg(fake));
    const created = await createFn(l);
    expect(created.State).toBe("Pending");
    expect(created.CodeSha256).toBe(
      (await import("node:crypto")).createHash("sha256").update(zip).digest("base64"),
    );
    expect(fake.requests[0]).toMatchObject({ method: "POST", path: "/2015-03-31/functions" });
    await sleep(80);
    const got = await l.send(new GetFunctionCommand({ FunctionName: "fn" }));
    expect(got.Configuration?.State).toBe("Active");
    expect(got.Tags).toEqual({ "apiship:stack": "s/dev" });
  });

  it("refuses a change while an update is in progress (ResourceConflictException, 409)", async () => {
    fake = await startAwsFake({ world: { transitionMs: 0 } });
    const l = new LambdaClient(cfg(fake));
    await createFn(l);
    fake.world.transitionMs = 10_000;
    await l.send(new UpdateFunctionConfigurationCommand({ FunctionName: "fn", MemorySize: 1024 }));
    const cfgNow = await l.send(new GetFunctionConfigurationCommand({ FunctionName: "fn" }));
    expect(cfgNow.LastUpdateStatus).toBe("InProgress");
    const err = await l
      .send(new UpdateFunctionConfigurationCommand({ FunctionName: "fn", MemorySize: 2048 }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "ResourceConflictException", $metadata: { httpStatusCode: 409 } });
  });

  it("answers a missing function with ResourceNotFoundException (404)", async () => {
    fake = await startAwsFake();
    const err = await new LambdaClient(cfg(fake))
      .send(new GetFunctionCommand({ FunctionName: "nope" }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "ResourceNotFoundException", $metadata: { httpStatusCode: 404 } });
  });

  it("publishes versions only for changes, and serves aliases, URLs and concurrency on the model's paths", async () => {
    fake = await startAwsFake({ world: { transitionMs: 0 } });
    const l = new LambdaClient(cfg(fake));
    await createFn(l);
    const v1 = await l.send(new PublishVersionCommand({ FunctionName: "fn" }));
    const again = await l.send(new PublishVersionCommand({ FunctionName: "fn" }));
    expect([v1.Version, again.Version]).toEqual(["1", "1"]);
    await l.send(new CreateAliasCommand({ FunctionName: "fn", Name: "live", FunctionVersion: "1" }));
    const url = await l.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: "fn", Qualifier: "live", AuthType: "NONE" }),
    );
    expect(url.FunctionUrl).toMatch(/lambda-url\.us-east-1\.on\.aws\/$/);
    await l.send(new PutFunctionConcurrencyCommand({ FunctionName: "fn", ReservedConcurrentExecutions: 5 }));
    expect(
      (await l.send(new GetFunctionConcurrencyCommand({ FunctionName: "fn" }))).ReservedConcurrentExecutions,
    ).toBe(5);
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths).toContain("POST /2021-10-31/functions/fn/url");
    expect(paths).toContain("PUT /2017-10-31/functions/fn/concurrency");
    expect(paths).toContain("GET /2019-09-30/functions/fn/concurrency");
  });

  it("throttles in Lambda's own shape when the knob says so", async () => {
    fake = await startAwsFake({ knobs: { throttleRate: 1, random: seeded(1) } });
    const err = await new LambdaClient(cfg(fake))
      .send(new GetFunctionCommand({ FunctionName: "x" }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "TooManyRequestsException", $metadata: { httpStatusCode: 429 } });
  });
});

describe("AWS fake: IAM, STS, S3", () => {
  it("speaks awsQuery XML for roles, with IAM's error codes", async () => {
    fake = await startAwsFake();
    const iam = new IAMClient(cfg(fake));
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: "r1",
        AssumeRolePolicyDocument: trust,
        Tags: [{ Key: "k", Value: "v" }],
      }),
    );
    expect(created.Role?.Arn).toBe("arn:aws:iam::123456789012:role/r1");
    expect((await iam.send(new GetRoleCommand({ RoleName: "r1" }))).Role?.Tags).toEqual([
      { Key: "k", Value: "v" },
    ]);
    const dup = await iam
      .send(new CreateRoleCommand({ RoleName: "r1", AssumeRolePolicyDocument: trust }))
      .catch((e: unknown) => e);
    expect(dup).toMatchObject({ name: "EntityAlreadyExistsException", $metadata: { httpStatusCode: 409 } });
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: "r1",
        PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      }),
    );
    const conflict = await iam.send(new DeleteRoleCommand({ RoleName: "r1" })).catch((e: unknown) => e);
    expect(conflict).toMatchObject({ name: "DeleteConflictException" });
    const missing = await iam.send(new GetRoleCommand({ RoleName: "nope" })).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: "NoSuchEntityException", $metadata: { httpStatusCode: 404 } });
  });

  it("answers GetCallerIdentity with the fake account", async () => {
    fake = await startAwsFake({ world: { account: "210987654321" } });
    const who = await new STSClient(cfg(fake)).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe("210987654321");
  });

  it("serves path-style S3 buckets and objects", async () => {
    fake = await startAwsFake();
    const s3 = new S3Client({
      ...cfg(fake),
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    const missing = await s3.send(new HeadBucketCommand({ Bucket: "b1" })).catch((e: unknown) => e);
    expect(missing).toMatchObject({ $metadata: { httpStatusCode: 404 } });
    await s3.send(new CreateBucketCommand({ Bucket: "b1" }));
    await s3.send(new PutObjectCommand({ Bucket: "b1", Key: "a/b.zip", Body: zip }));
    expect(fake.world.buckets.get("b1")?.objects.get("a/b.zip")).toEqual(zip);
  });

  it("logs every request as NDJSON without credentials (APISHIP_FAKE_LOG)", async () => {
    const logFile = join(mkdtempSync(join(tmpdir(), "aws-fake-")), "log.ndjson");
    fake = await startAwsFake({ logFile });
    await new STSClient(cfg(fake)).send(new GetCallerIdentityCommand({}));
    const text = readFileSync(logFile, "utf8");
    const line = JSON.parse(text.trim()) as { method: string; body: string };
    expect(line.method).toBe("POST");
    expect(line.body).toContain("Action=GetCallerIdentity");
    expect(text).not.toContain("secret-key-example");
    expect(text).not.toMatch(/AWS4-HMAC-SHA256/);
  });
});
