// Routes of the Heroku fake for source builds: POST /sources hands out a blob URL to PUT the
// tarball to, POST /apps/{app}/builds fetches it by that URL and checks the checksum, and the
// build settles `pending` → `succeeded` (a slug and a release) or `failed` on later reads.

import { createHash } from "node:crypto";
import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import { err, findApp } from "./apps.js";
import type { Handler } from "./apps.js";
import type { FakeApp, FakeBuild, HerokuWorld } from "./world.js";

type Json = Record<string, unknown>;

function blobIdOf(w: HerokuWorld, url: string): string | undefined {
  const prefix = `${w.baseUrl}/__blobs/`;
  return url.startsWith(prefix) ? url.slice(prefix.length) : undefined;
}

function createBuild(w: HerokuWorld, fa: FakeApp, req: FakeRequest): FakeResponse {
  const blob = ((req.json ?? {}) as Json).source_blob as Json;
  const url = String(blob.url);
  const id = blobIdOf(w, url);
  const data = id === undefined ? undefined : w.sources.get(id);
  if (data === undefined) return err(422, "invalid_params", `Could not fetch the source from ${url}.`);
  const sha = `SHA256:${createHash("sha256").update(data).digest("hex")}`;
  if (blob.checksum !== undefined && blob.checksum !== null && blob.checksum !== sha)
    return err(422, "invalid_params", `Checksum mismatch: the source is ${sha}.`);
  if (fa.app.build_stack.name === "container")
    return err(422, "invalid_params", "Builds are not available for apps on the container stack.");
  if (fa.builds.some((b) => b.status === "pending"))
    return err(409, "conflict", "A build is already in progress for this app.");
  const at = new Date().toISOString();
  const bid = w.id();
  const build: FakeBuild = {
    id: bid,
    status: "pending",
    source_blob: { url, checksum: sha, version: (blob.version as string | null | undefined) ?? null },
    output_stream_url: `${w.baseUrl}/__streams/${bid}`,
    release: null,
    slug: null,
    app: { id: fa.app.id },
    user: w.account,
    created_at: at,
    updated_at: at,
    pendingReads: w.opts.buildPendingReads ?? 2,
  };
  fa.builds.push(build);
  return { status: 201, body: publicBuild(build) };
}

function publicBuild(b: FakeBuild): Json {
  const { pendingReads: _p, ...pub } = b;
  return pub;
}

function readBuild(w: HerokuWorld, fa: FakeApp, bid: string): FakeResponse {
  const b = fa.builds.find((x) => x.id === bid);
  if (!b) return err(404, "not_found", "Couldn't find that build.");
  const was = b.status;
  w.settle(b, w.failingSources.has(b.source_blob.checksum ?? ""));
  if (was === "pending" && b.status === "succeeded") {
    const slug = w.id();
    const version = b.source_blob.version ?? (b.source_blob.checksum ?? "").slice(7, 14);
    const rel = w.addRelease(fa, `Deploy ${version}`, { slugId: slug });
    b.slug = { id: slug };
    b.release = { id: rel.id };
  }
  return { status: 200, body: publicBuild(b) };
}

function withApp(fn: (w: HerokuWorld, fa: FakeApp, req: FakeRequest, m: string[]) => FakeResponse): Handler {
  return (w, req, m) => {
    const fa = findApp(w, m[1] as string);
    return "app" in fa ? fn(w, fa, req, m) : fa;
  };
}

export const BUILD_ROUTES: [string, RegExp, Handler][] = [
  [
    "POST",
    /^\/sources$/,
    (w) => {
      const id = w.id();
      w.sources.set(id, undefined);
      const url = `${w.baseUrl}/__blobs/${id}`;
      return { status: 201, body: { source_blob: { get_url: url, put_url: url } } };
    },
  ],
  ["POST", /^\/apps\/([^/]+)\/builds$/, withApp(createBuild)],
  ["GET", /^\/apps\/([^/]+)\/builds\/([^/]+)$/, withApp((w, fa, _r, m) => readBuild(w, fa, m[2] as string))],
];

/** The blob store behind put_url/get_url: not the Platform API, so no Accept header needed. */
export function handleBlob(w: HerokuWorld, req: FakeRequest): FakeResponse | undefined {
  const m = /^\/__blobs\/([^/]+)$/.exec(req.path);
  if (!m) return undefined;
  const id = m[1] as string;
  if (!w.sources.has(id)) return { status: 404, body: "NoSuchKey" };
  if (req.method === "PUT") {
    w.sources.set(id, req.body);
    return { status: 200, body: "" };
  }
  const data = w.sources.get(id);
  return data === undefined ? { status: 404, body: "NoSuchKey" } : { status: 200, body: data };
}
