// Where a function's code goes: inline in the request up to Lambda's limit (50 MB), else through
// an S3 object, in the target's `artifactBucket` or in one apiship creates and tags once per
// account and region. Objects are keyed by content hash, so an upload is never repeated.

import type { FunctionCode } from "@aws-sdk/client-lambda";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import type { ZipArtifact } from "../_shared/artifact.js";
import type { AwsClients } from "./clients.js";
import { aws, awsMaybe } from "./errors.js";
import type { LambdaOptions } from "./lambda.js";
import type { AwsCtx } from "./lambda-function.js";
import { TAG_MANAGED } from "./lambda-state.js";

/** The bucket apiship owns in an account and region. */
export function defaultBucketName(account: string, region: string): string {
  return `apiship-artifacts-${account}-${region}`;
}

async function accountId(c: AwsClients): Promise<string> {
  const { client, sdk } = await c.sts();
  const who = await aws("GetCallerIdentity", c.target, () =>
    client.send(new sdk.GetCallerIdentityCommand({})),
  );
  return who.Account ?? "000000000000";
}

async function ensureOwnBucket(ctx: AwsCtx, bucket: string): Promise<void> {
  const c = ctx.clients;
  const { client, sdk } = await c.s3();
  const head = await awsMaybe("HeadBucket", c.target, () =>
    client.send(new sdk.HeadBucketCommand({ Bucket: bucket })),
  );
  if (head !== undefined) return;
  ctx.progress.step("create artifact bucket");
  // us-east-1 is the one region that takes no LocationConstraint.
  const location =
    c.region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: c.region as never } };
  await aws("CreateBucket", c.target, () =>
    client.send(new sdk.CreateBucketCommand({ Bucket: bucket, ...location })),
  );
  await aws("PutBucketTagging", c.target, () =>
    client.send(
      new sdk.PutBucketTaggingCommand({
        Bucket: bucket,
        Tagging: { TagSet: [{ Key: TAG_MANAGED, Value: "true" }] },
      }),
    ),
  );
  ctx.progress.done("create artifact bucket");
}

/** Uploads the zip when it is too big to send inline; returns the Code members of the request. */
export async function codeLocation(
  ctx: AwsCtx,
  name: string,
  zip: ZipArtifact,
  opts: Pick<LambdaOptions, "artifactBucket">,
): Promise<Pick<FunctionCode, "ZipFile" | "S3Bucket" | "S3Key">> {
  const c = ctx.clients;
  if (zip.bytes <= c.inlineLimitBytes && opts.artifactBucket === undefined) {
    return { ZipFile: new Uint8Array(await readFile(zip.path)) };
  }
  const bucket = opts.artifactBucket ?? defaultBucketName(await accountId(c), c.region);
  if (opts.artifactBucket === undefined) await ensureOwnBucket(ctx, bucket);
  const key = `${name}/${zip.sha256}.zip`;
  const { client, sdk } = await c.s3();
  await aws("PutObject", c.target, () =>
    client.send(
      new sdk.PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: createReadStream(zip.path),
        ContentLength: zip.bytes,
        ContentType: "application/zip",
      }),
    ),
  );
  return { S3Bucket: bucket, S3Key: key };
}
