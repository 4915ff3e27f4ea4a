// Source builds: a deterministic tar.gz of `function.source` (sorted entries, zero times and
// owners, modes 0644/0755, .gitignore/.apiship-ignore honoured), uploaded through the Sources
// API (POST /sources → PUT put_url) and built by Heroku's buildpacks (POST /apps/{app}/builds
// with source_blob.url and checksum), polled until it succeeds or fails. Heroku runs the
// Procfile's `web` process, so the source must have one.

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { Artifact } from "../../src/core/provider.js";
import { codeIdentity } from "../../src/core/provider.js";
import type { FunctionSpec, ServiceSpec } from "../../src/manifest/types.js";
import { ProviderError } from "../../src/errors.js";
import { listSourceFiles } from "../_shared/artifact.js";
import { buildPortable, interfaceOf } from "../_shared/portable.js";
import { poll } from "../_shared/poll.js";
import type { HerokuChange } from "./apply.js";
import type { HerokuCtx } from "./read.js";

const gzipAsync = promisify(gzip);

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, "0")}\0`;
}

function header(path: string, size: number, mode: number): Buffer {
  const h = Buffer.alloc(512);
  let name = path;
  let prefix = "";
  if (Buffer.byteLength(path) > 100) {
    const cut = path.lastIndexOf("/", 155);
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
    if (cut < 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155)
      throw new ProviderError(`path too long for a tarball: ${path}`, {
        code: "ARTIFACT_PATH",
        fault: "user",
        hint: "shorten the path or list it in .apiship-ignore",
      });
  }
  h.write(name, 0, "utf8");
  h.write(octal(mode, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(size, 12), 124, "ascii");
  h.write(octal(0, 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write("0", 156, "ascii");
  h.write("ustar\u000000", 257, "binary");
  h.write(prefix, 345, "utf8");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7), 148, "ascii");
  return h;
}

/**
 * The tar.gz of `root`, and the SHA-256 of the tar inside it: the same files give the same tar,
 * while the gzip around it depends on the zlib a Node release bundles, so the tar's hash is the
 * code's identity (Artifact.digest) and the gzip's is only the upload checksum.
 */
export async function tarball(root: string): Promise<{ data: Buffer; digest: string }> {
  const parts: Buffer[] = [];
  for (const f of await listSourceFiles(root)) {
    const data = await readFile(f.abs);
    parts.push(header(f.path, data.length, f.executable ? 0o755 : 0o644), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024));
  const tar = Buffer.concat(parts);
  return { data: await gzipAsync(tar, { level: 9 }), digest: createHash("sha256").update(tar).digest("hex") };
}

/** build() for a source service: the tarball under the temp dir, one file per stack and target. */
export async function buildTarball(ctx: HerokuCtx, svc: ServiceSpec): Promise<Artifact> {
  const src = svc.function?.source;
  if (src === undefined)
    throw new ProviderError("a source build needs service.function.source", {
      code: "NO_SOURCE",
      fault: "user",
    });
  const root = resolve(ctx.stack.baseDir ?? ".", src);
  if (interfaceOf(svc.function) === "portable")
    return buildPortableTarball(ctx, svc.function as FunctionSpec, root);
  if (!existsSync(join(root, "Procfile"))) {
    throw new ProviderError(`${src} has no Procfile: Heroku runs its \`web\` process`, {
      code: "NO_PROCFILE",
      fault: "user",
      target: ctx.target.name,
      hint: "add a Procfile with a line such as `web: node server.js` whose server listens on $PORT",
    });
  }
  return packTarball(ctx, root);
}

/**
 * A portable function (providers/_shared/portable.ts): the generated server entry with the
 * user's app (Node.js: bundled into apiship-server.mjs; Python: apiship_server.py beside the
 * source), and the user's Procfile, or one that runs the entry when the folder has none.
 */
async function buildPortableTarball(ctx: HerokuCtx, fn: FunctionSpec, root: string): Promise<Artifact> {
  const dir = join(
    tmpdir(),
    "apiship-heroku",
    `${ctx.stack.id.replace(/[^\w-]/g, "_")}-${ctx.target.name}.${process.pid}`,
  );
  const { entry } = await buildPortable("heroku/web", fn, root, dir, ctx.target.name);
  try {
    const own = join(root, "Procfile");
    if (existsSync(own)) await copyFile(own, join(dir, "Procfile"));
    else await writeFile(join(dir, "Procfile"), `${entry.invoke}\n`);
    return await packTarball(ctx, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The tarball of `root` under the temp dir, one file per stack and target. */
async function packTarball(ctx: HerokuCtx, root: string): Promise<Artifact> {
  const { data, digest } = await tarball(root);
  const file = join(
    tmpdir(),
    "apiship-heroku",
    `${ctx.stack.id.replace(/[^\w-]/g, "_")}-${ctx.target.name}.tgz`,
  );
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, data);
  await rename(`${file}.tmp`, file);
  return { path: file, sha256: createHash("sha256").update(data).digest("hex"), digest, bytes: data.length };
}

/**
 * Uploads the tarball and builds it; Heroku releases a successful build itself. The engine
 * hands apply the tarball it packed (and checked against the plan); a caller without one (a
 * test, a re-apply) gets the folder packed now.
 */
export async function buildSource(ctx: HerokuCtx, change: HerokuChange, app: string): Promise<void> {
  const artifact = change.artifact ?? (await buildTarball(ctx, change.service));
  const { api, timing } = ctx.clients;
  const data = await readFile(artifact.path);
  const source = await step(ctx, "create source upload URL", () => api.createSource(ctx.signal));
  await step(ctx, `upload source (${data.length} bytes)`, () =>
    api.putSource(source.source_blob.put_url, data, ctx.signal),
  );
  const version = codeIdentity(artifact).slice(0, 12);
  const build = await step(ctx, `build ${version} on ${app}`, () =>
    api.createBuild(
      app,
      { source_blob: { url: source.source_blob.get_url, checksum: `SHA256:${artifact.sha256}`, version } },
      ctx.signal,
    ),
  );
  await poll(
    () => api.getBuild(app, build.id, ctx.signal),
    (b) => b.status === "succeeded",
    {
      what: `build ${build.id} of ${app}`,
      failed: (b) =>
        b.status === "failed" ? `the buildpack failed; its output: ${b.output_stream_url}` : undefined,
      intervalMs: timing.pollMs,
      timeoutMs: timing.buildTimeoutMs,
      signal: ctx.signal,
    },
  );
}

async function step<T>(ctx: HerokuCtx, name: string, fn: () => Promise<T>): Promise<T> {
  ctx.progress.step(name);
  const out = await fn();
  ctx.progress.done(name);
  return out;
}
