// Python dependencies in a Lambda package (issue 19). Lambda runs the zip as it is and builds
// nothing, so what requirements.txt lists must be inside the package. It is installed the way
// AWS SAM does it: pip picks the wheels of Lambda's platform (manylinux2014, the function's
// architecture, CPython of the runtime's version), never the build machine's, and refuses source
// distributions (--only-binary=:all:), which it could only compile for the build machine. pip
// reads the user's own pip.conf, PIP_INDEX_URL and PIP_FIND_LINKS, so a private index works.

import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, mkdir, readFile, readdir, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { FunctionSpec } from "../../src/manifest/types.js";
import { ProviderError } from "../../src/errors.js";
import { IGNORE_FILES } from "../_shared/ignore.js";
import type { PackageOptions } from "../_shared/portable.js";

export const REQUIREMENTS = "requirements.txt";

/** The wheels pip must pick for Lambda. */
export interface PipTarget {
  /** manylinux2014_x86_64 or manylinux2014_aarch64. */
  platform: string;
  /** "3.12" for python3.12. */
  pythonVersion: string;
}

export function pipTarget(runtime: string, architecture: "x86_64" | "arm64" = "x86_64"): PipTarget {
  const version = /^python(\d+\.\d+)$/.exec(runtime)?.[1];
  if (!version) throw new Error(`${runtime} is not a Python runtime`);
  return {
    platform: `manylinux2014_${architecture === "arm64" ? "aarch64" : "x86_64"}`,
    pythonVersion: version,
  };
}

/** pip's arguments, as SAM passes them; --no-compile: no .pyc, whose bytes differ by machine. */
export function pipArgs(requirements: string, into: string, t: PipTarget): string[] {
  return [
    "-m",
    "pip",
    "install",
    "-r",
    requirements,
    "--target",
    into,
    "--platform",
    t.platform,
    "--implementation",
    "cp",
    "--python-version",
    t.pythonVersion,
    "--only-binary=:all:",
    "--upgrade",
    "--no-compile",
    "--disable-pip-version-check",
  ];
}

// A version of the cache's layout and of pip's arguments: changing either must miss old entries.
const CACHE_VERSION = "1";
const CACHE = join(tmpdir(), "apiship-artifacts", "lambda-python");

/**
 * The cache key: requirements.txt and the files it includes (-r, -c), the platform and the Python
 * version. A requirement on a local folder is not followed into: change requirements.txt to
 * install it again.
 */
async function cacheKey(file: string, t: PipTarget): Promise<string> {
  const h = createHash("sha256").update(`${CACHE_VERSION}\0${t.platform}\0${t.pythonVersion}\0`);
  const seen = new Set<string>();
  const add = async (path: string): Promise<void> => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = await readFile(path, "utf8").catch(() => "\0missing");
    h.update(`${path === file ? "" : path}\0${text}\0`);
    for (const m of text.matchAll(/^\s*(?:-r|-c|--requirement|--constraint)(?:\s*=\s*|\s+)(\S+)/gm))
      await add(resolve(dirname(path), m[1]!));
  };
  await add(file);
  return h.digest("hex").slice(0, 32);
}

/** What pip said that matters: its ERROR lines, else its last lines; never a stack trace. */
export function pipFailure(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "" && !/^\s/.test(l) && !l.startsWith("Traceback"));
  const errors = lines.filter((l) => l.startsWith("ERROR:"));
  return (errors.length > 0 ? errors : lines).slice(-3).join("\n") || "pip failed without a message";
}

interface Run {
  code: number | null;
  stderr: string;
  error?: NodeJS.ErrnoException;
}

function run(cmd: string, args: string[], cwd: string, signal: AbortSignal | undefined): Promise<Run> {
  return new Promise((done, fail) => {
    let stderr = "";
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"], signal });
    child.stderr.on("data", (d: Buffer) => {
      // The end is what explains a failure; a long resolver log need not be kept whole.
      stderr = (stderr + d.toString()).slice(-64 * 1024);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.name === "AbortError") fail(error);
      else done({ code: null, stderr, error });
    });
    child.on("close", (code) => done({ code, stderr }));
  });
}

export interface InstallOptions {
  /** The python that runs pip: APISHIP_PYTHON, else python3 on PATH. */
  python?: string;
  target: string;
  signal?: AbortSignal;
  log?: (msg: string) => void;
}

/**
 * The folder holding requirements.txt installed for `t`, from the cache when it is there.
 *
 * Cached because every `apiship plan` builds the package to know its content digest: without the
 * cache each plan would run pip again (seconds to minutes, and the index over the network), and
 * an unpinned requirement could resolve to a newer release between `plan` and `deploy`, so the
 * same source would not give the package the plan showed. Filled under a temporary name and
 * renamed, so a concurrent build never sees half an install.
 */
export async function installRequirements(root: string, t: PipTarget, opts: InstallOptions): Promise<string> {
  const file = join(root, REQUIREMENTS);
  const dir = join(CACHE, await cacheKey(file, t));
  if (
    await readdir(dir).then(
      () => true,
      () => false,
    )
  )
    return dir;
  const python = opts.python ?? "python3";
  const work = `${dir}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await mkdir(work, { recursive: true });
  try {
    opts.log?.(`installing ${REQUIREMENTS} for Lambda (${t.platform}, Python ${t.pythonVersion}) with pip`);
    const r = await run(python, pipArgs(file, work, t), root, opts.signal);
    if (r.error || /No module named pip\b/.test(r.stderr)) {
      throw new ProviderError(
        r.error
          ? `${python} could not be run (${r.error.code ?? r.error.message}): installing ${REQUIREMENTS} for Lambda needs Python 3 with pip`
          : `${python} has no pip: installing ${REQUIREMENTS} for Lambda needs it`,
        {
          code: "PIP_MISSING",
          fault: "user",
          target: opts.target,
          hint: "install pip (Debian/Ubuntu: apt-get install python3-pip), or set APISHIP_PYTHON to a python that has it",
        },
      );
    }
    if (r.code !== 0) {
      throw new ProviderError(
        `pip could not install ${REQUIREMENTS} for Lambda (${t.platform}, Python ${t.pythonVersion}):\n${pipFailure(r.stderr)}`,
        {
          code: "PIP_FAILED",
          fault: "user",
          target: opts.target,
          hint: `check the requirement's name and version. Lambda builds nothing, so every package needs a wheel for ${t.platform} or a pure-Python one; pip reads your pip.conf, PIP_INDEX_URL and PIP_FIND_LINKS`,
        },
      );
    }
    await rename(work, dir).catch(async (e: NodeJS.ErrnoException) => {
      // Another build filled the same entry first: its copy is as good.
      if (e.code !== "ENOTEMPTY" && e.code !== "EEXIST") throw e;
    });
    return dir;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Copies the installed dependencies into the package. Left out: byte code (machine-specific, and
 * --no-compile means pip wrote none) and ignore files, which the zip step would apply to the
 * package (artifact.ts). The package's own files win over a dependency's of the same name.
 */
export async function copyInstalled(from: string, into: string): Promise<void> {
  for (const e of await readdir(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(into, e.name);
    if (e.isDirectory()) {
      if (e.name === "__pycache__") continue;
      await mkdir(dst, { recursive: true });
      await copyInstalled(src, dst);
    } else if (e.isFile() && !e.name.endsWith(".pyc") && !IGNORE_FILES.includes(e.name)) {
      await copyFile(src, dst, constants.COPYFILE_EXCL).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "EEXIST") throw err;
      });
    }
  }
}

/**
 * What packageFunction adds for a Python function on Lambda with a requirements.txt: its
 * dependencies, installed for the function's architecture and Python version. Nothing otherwise.
 */
export async function lambdaDependencies(
  fn: FunctionSpec,
  root: string,
  architecture: "x86_64" | "arm64",
  opts: Omit<InstallOptions, "python">,
): Promise<PackageOptions> {
  if (!/^python\d/.test(fn.runtime)) return {};
  const has = await readFile(join(root, REQUIREMENTS)).then(
    () => true,
    () => false,
  );
  if (!has) return {};
  // The build runs on the deploying machine, like esbuild and pip themselves: APISHIP_PYTHON
  // chooses its interpreter there (a test points it at a missing one).
  const python = process.env.APISHIP_PYTHON || undefined;
  const installed = await installRequirements(root, pipTarget(fn.runtime, architecture), { ...opts, python });
  return { addFiles: (dir) => copyInstalled(installed, dir) };
}
