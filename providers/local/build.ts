// The build a local process runs: the portable function's HTTP entry (the one Heroku and App
// Platform source builds get, providers/heroku/runtime/server.*) around the user's module,
// built into `<target>/builds/<digest>/` and run where it lies. Builds are kept by their content
// digest, so a rollback starts the previous build again without rebuilding it, and an unchanged
// source plans as no change.

import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat, utimes } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { Artifact, Ctx } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { FunctionSpec, ServiceSpec } from "../../src/manifest/types.js";
import { folderDigest } from "../_shared/artifact.js";
import { buildPortable, interfaceOf } from "../_shared/portable.js";
import { localPaths } from "./state.js";

/** Builds kept per target besides the one running: how far back a rollback can go. */
export const KEPT_BUILDS = 5;

export const buildDirOf = (builds: string, digest: string) => join(builds, digest.slice(0, 16));

export async function buildLocal(ctx: Ctx<unknown>, svc: ServiceSpec): Promise<Artifact> {
  const fn = svc.function;
  if (svc.kind !== "function" || !fn)
    throw new ProviderError("local/process runs a function; the service has no `function`", {
      code: "UNSUPPORTED",
      fault: "user",
      target: ctx.target.name,
      hint: "use platform: container for a container image",
    });
  if (interfaceOf(fn) === "native")
    throw new ProviderError(
      "local/process runs portable functions only: a native handler is written for one cloud",
      {
        code: "PORTABLE_REQUIRED",
        fault: "user",
        target: ctx.target.name,
        hint: "write the handler as a fetch handler (Node.js) or an ASGI app (Python) and drop `interface: native`",
      },
    );
  const paths = localPaths(ctx.stack, ctx.target.name);
  const root = isAbsolute(fn.source) ? fn.source : resolve(ctx.stack.baseDir ?? process.cwd(), fn.source);
  const work = join(paths.builds, `.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await buildPortable("heroku/web", fn as FunctionSpec, root, work, ctx.target.name);
    // The build lies under .apiship/, which a repository's .gitignore usually ignores: with its
    // rules applied the folder listed no file, and every build had the empty digest (a code
    // change planned as no change).
    const sum = await folderDigest(work, { ignores: false });
    const dir = buildDirOf(paths.builds, sum.digest);
    // Same digest, same files: a build already kept is reused, and its time marks it recent.
    if (await exists(dir)) {
      const now = new Date();
      await utimes(dir, now, now);
    } else await rename(work, dir);
    return { path: dir, sha256: sum.digest, digest: sum.digest, bytes: sum.bytes };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** Removes all but the newest KEPT_BUILDS builds, never one in `keep`. */
export async function pruneBuilds(builds: string, keep: readonly string[]): Promise<void> {
  const names = (await readdir(builds).catch(() => [] as string[])).filter((n) => !n.startsWith("."));
  const dated = await Promise.all(
    names.map(async (n) => ({ dir: join(builds, n), at: (await stat(join(builds, n))).mtimeMs })),
  );
  dated.sort((a, b) => b.at - a.at);
  for (const old of dated.slice(KEPT_BUILDS))
    if (!keep.includes(old.dir)) await rm(old.dir, { recursive: true, force: true });
}

export async function ensureDir(p: string): Promise<void> {
  await mkdir(p, { recursive: true });
}
