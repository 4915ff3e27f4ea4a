// The fake's S3 (path-style REST-XML, as the SDK sends it with forcePathStyle): the operations
// the artifact upload uses: HeadBucket, CreateBucket, PutBucketTagging, PutObject.

import { createHash } from "node:crypto";
import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import { requestId, s3Error } from "./protocol.js";
import type { FakeWorld } from "./world.js";

const ok = (status: number, headers: Record<string, string> = {}): FakeResponse => ({
  status,
  headers: { "x-amz-request-id": requestId(), ...headers },
});

function tagsOf(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of xml.matchAll(/<Tag><Key>([^<]*)<\/Key><Value>([^<]*)<\/Value><\/Tag>/g))
    out[m[1] ?? ""] = m[2] ?? "";
  return out;
}

function regionOf(xml: string, fallback: string): string {
  return /<LocationConstraint>([^<]+)<\/LocationConstraint>/.exec(xml)?.[1] ?? fallback;
}

export function handleS3(w: FakeWorld, req: FakeRequest): FakeResponse {
  const [, bucketName = "", ...rest] = req.path.split("/");
  const key = rest.join("/");
  const bucket = w.buckets.get(bucketName);
  if (req.method === "HEAD" && key === "")
    return bucket
      ? ok(200, { "x-amz-bucket-region": bucket.region })
      : s3Error(404, "NotFound", "Not Found", true);
  if (req.method === "PUT" && key === "" && req.query.has("tagging")) {
    if (!bucket) return s3Error(404, "NoSuchBucket", "The specified bucket does not exist");
    bucket.tags = tagsOf(req.body.toString("utf8"));
    return ok(204);
  }
  if (req.method === "PUT" && key === "") {
    if (bucket)
      return s3Error(
        409,
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
      );
    w.buckets.set(bucketName, {
      region: regionOf(req.body.toString("utf8"), "us-east-1"),
      tags: {},
      objects: new Map(),
    });
    return ok(200, { location: `/${bucketName}` });
  }
  if (req.method === "PUT") {
    if (!bucket) return s3Error(404, "NoSuchBucket", "The specified bucket does not exist");
    bucket.objects.set(key, req.body);
    return ok(200, { etag: `"${createHash("md5").update(req.body).digest("hex")}"` });
  }
  return s3Error(
    405,
    "MethodNotAllowed",
    `The specified method is not allowed against this resource: ${req.method} ${req.path}`,
  );
}
