// Python requirements on Lambda (issue 19): the build installs requirements.txt into the package
// with pip for Lambda's platform, as AWS SAM does, and the Lambda Python entry, run from the very
// zip Lambda would receive with a function URL event, imports the dependency. No index is
// reachable here: a tiny pure-Python wheel is written by the test and pip finds it through
// PIP_FIND_LINKS with PIP_NO_INDEX, which is how a user's private index reaches pip too.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { devNull, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/provider.js";
import type { FunctionSpec, ServiceSpec } from "../../src/manifest/types.js";
import { buildLambda } from "../../providers/aws/lambda-apply.js";
import { pipArgs, pipFailure, pipTarget } from "../../providers/aws/lambda-deps.js";
import type { AwsClients } from "../../providers/aws/clients.js";
import { buildPortable } from "../../providers/_shared/portable.js";
import { zipEntries } from "../support/zip.js";
import { HERE, PYTHON, lambdaEvent, lambdaWire } from "./hosts.js";

// ------------------------------------------------------------------ a wheel, written by hand

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Buffer) => {
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A minimal zip (deflated entries): what a wheel is. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const packed = deflateRawSync(data);
    const n = Buffer.from(name);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(8, 8);
    head.writeUInt32LE(crc32(data), 14);
    head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(head, n, packed);
    centrals.push(central, n);
    offset += head.length + n.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const recordHash = (text: string) =>
  `sha256=${createHash("sha256").update(text).digest("base64url")},${Buffer.byteLength(text)}`;

/** Writes tinydep-1.0-py3-none-any.whl (pure Python) into `dir`. */
function writeWheel(dir: string): void {
  const files: Record<string, string> = {
    "tinydep/__init__.py": 'VALUE = "tinydep 1.0"\n',
    "tinydep-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: tinydep\nVersion: 1.0\n",
    "tinydep-1.0.dist-info/WHEEL":
      "Wheel-Version: 1.0\nGenerator: apiship-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
  };
  const record = Object.entries(files)
    .map(([name, text]) => `${name},${recordHash(text)}\n`)
    .join("");
  files["tinydep-1.0.dist-info/RECORD"] = `${record}tinydep-1.0.dist-info/RECORD,,\n`;
  writeFileSync(join(dir, "tinydep-1.0-py3-none-any.whl"), zip(files));
}

// ------------------------------------------------------------------ the function and its build

const APP = [
  "import json",
  "import tinydep",
  "",
  "async def app(scope, receive, send):",
  '    if scope["type"] != "http":',
  "        return",
  '    body = json.dumps({"dep": tinydep.VALUE, "path": scope["raw_path"].decode()}).encode()',
  '    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})',
  '    await send({"type": "http.response.body", "body": body})',
  "",
].join("\n");

/** A source folder; the comment makes its requirements (and so the pip cache entry) its own. */
function source(requirements: string): string {
  const dir = mkdtempSync(join(tmpdir(), "apiship-lambda-py-deps-"));
  writeFileSync(join(dir, "main.py"), APP);
  writeFileSync(join(dir, "requirements.txt"), `# ${randomBytes(6).toString("hex")}\n${requirements}\n`);
  // A Python project's usual .gitignore: applied to the source, never to installed packages.
  writeFileSync(join(dir, ".gitignore"), "lib/\nbuild/\n*.so\n__pycache__/\n");
  return dir;
}

const fnOf = (root: string, iface: "portable" | "native" = "portable"): FunctionSpec => ({
  runtime: "python3.12",
  handler: iface === "portable" ? "main:app" : "main.handler",
  source: root,
  interface: iface,
});

function ctxFor(root: string, architecture: "x86_64" | "arm64" = "x86_64"): Ctx<AwsClients> {
  return {
    clients: {} as AwsClients,
    stack: { id: "deps/dev", app: "deps", environment: "dev", baseDir: root } as Ctx<AwsClients>["stack"],
    target: {
      name: `fn-${randomBytes(3).toString("hex")}`,
      provider: "aws",
      platform: "lambda",
      options: { region: "us-east-1", architecture },
    },
    progress: { step() {}, done() {} },
    log: { debug() {}, info() {}, warn() {} },
    signal: new AbortController().signal,
  };
}

const serviceOf = (fn: FunctionSpec) => ({ kind: "function", function: fn }) as unknown as ServiceSpec;

function unzipTo(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "apiship-lambda-py-run-"));
  for (const [name, data] of zipEntries(bytes)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return dir;
}

/** Calls apiship_lambda.handler in `dir` as Lambda's Python runtime does, with one function URL event. */
function invoke(dir: string, target: string): { status: number; json: unknown } {
  copyFileSync(join(HERE, "hosts/lambda_driver.py"), join(dir, "lambda_driver.py"));
  const event = lambdaEvent({ method: "GET", target, headers: [] });
  const r = spawnSync(PYTHON, ["lambda_driver.py"], {
    cwd: dir,
    input: `${JSON.stringify(event)}\n`,
    env: { PATH: process.env.PATH, APISHIP_APP: "main:app", PYTHONDONTWRITEBYTECODE: "1" },
    encoding: "utf8",
  });
  const reply = JSON.parse(r.stdout.trim() || `{"error": ${JSON.stringify(r.stderr)}}`) as {
    result?: unknown;
    error?: string;
  };
  if (reply.error) throw new Error(reply.error);
  const wire = lambdaWire(reply.result);
  return { status: wire.status, json: JSON.parse(Buffer.from(wire.body).toString()) };
}

// ------------------------------------------------------------------ the tests

const hasPip = (python: string) =>
  spawnSync(python, ["-m", "pip", "--version"], { stdio: "ignore" }).status === 0;
// The build's default python3 when it has pip, else Debian's (through APISHIP_PYTHON); without
// either, the tests that install are skipped (the PIP_MISSING test still runs).
const BUILD_PYTHON = hasPip("python3") ? undefined : hasPip(PYTHON) ? PYTHON : null;
const NO_PIP = BUILD_PYTHON === null;
const restorePython = () => {
  if (BUILD_PYTHON) process.env.APISHIP_PYTHON = BUILD_PYTHON;
  else delete process.env.APISHIP_PYTHON;
};

const saved: Record<string, string | undefined> = {};
const PIP_ENV = ["PIP_NO_INDEX", "PIP_FIND_LINKS", "PIP_CONFIG_FILE", "APISHIP_PYTHON"];
const made: string[] = [];

describe("aws/lambda: Python requirements installed into the package", () => {
  beforeAll(() => {
    for (const k of PIP_ENV) saved[k] = process.env[k];
    const wheels = mkdtempSync(join(tmpdir(), "apiship-wheels-"));
    made.push(wheels);
    writeWheel(wheels);
    // Only the test's wheel folder: no index, and not this machine's pip.conf.
    process.env.PIP_NO_INDEX = "1";
    process.env.PIP_FIND_LINKS = wheels;
    process.env.PIP_CONFIG_FILE = devNull;
    restorePython();
  });
  afterAll(() => {
    for (const k of PIP_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });

  it.skipIf(NO_PIP)(
    "a portable function's zip holds the dependency, and the Lambda entry run from it imports it",
    async () => {
      const root = source("tinydep==1.0");
      made.push(root);
      const artifact = await buildLambda(ctxFor(root), serviceOf(fnOf(root)));
      const bytes = readFileSync(artifact.path);
      const names = [...zipEntries(bytes).keys()].sort();
      expect(names).toEqual(
        expect.arrayContaining([
          "apiship_asgi.py",
          "apiship_lambda.py",
          "main.py",
          "requirements.txt",
          "tinydep/__init__.py",
          "tinydep-1.0.dist-info/METADATA",
        ]),
      );
      // No byte code, and the source's ignore file is applied, not shipped.
      expect(
        names.filter((n) => n.endsWith(".pyc") || n.includes("__pycache__") || n === ".gitignore"),
      ).toEqual([]);
      const dir = unzipTo(bytes);
      made.push(dir);
      expect(invoke(dir, "/dep")).toEqual({ status: 200, json: { dep: "tinydep 1.0", path: "/dep" } });
    },
  );

  it.skipIf(NO_PIP)(
    "is deterministic and cached: a second build gives the same bytes without running pip",
    async () => {
      const root = source("tinydep==1.0");
      made.push(root);
      const first = await buildLambda(ctxFor(root), serviceOf(fnOf(root)));
      const firstSha = first.sha256;
      // pip is gone: only the cache can answer.
      process.env.APISHIP_PYTHON = join(root, "no-such-python");
      try {
        const again = await buildLambda(ctxFor(root), serviceOf(fnOf(root)));
        expect(again.sha256).toBe(firstSha);
        expect(again.digest).toBe(first.digest);
      } finally {
        restorePython();
      }
      // A fresh install (another cache entry: the requirements differ in their comment) writes
      // the same dependency files: pip's output has no per-run content.
      const other = source("tinydep==1.0");
      made.push(other);
      const fresh = zipEntries(readFileSync((await buildLambda(ctxFor(other), serviceOf(fnOf(other)))).path));
      const firstFiles = zipEntries(
        readFileSync((await buildLambda(ctxFor(root), serviceOf(fnOf(root)))).path),
      );
      const deps = (m: Map<string, Buffer>) =>
        [...m].filter(([n]) => n.startsWith("tinydep")).map(([n, d]) => [n, d.toString("base64")]);
      expect(deps(fresh)).toEqual(deps(firstFiles));
    },
  );

  it.skipIf(NO_PIP)("a native Python function gets its requirements too, beside its own files", async () => {
    const root = source("tinydep==1.0");
    made.push(root);
    const artifact = await buildLambda(ctxFor(root, "arm64"), serviceOf(fnOf(root, "native")));
    const names = [...zipEntries(readFileSync(artifact.path)).keys()].sort();
    expect(names).toContain("tinydep/__init__.py");
    expect(names).toContain("main.py");
    expect(names).not.toContain("apiship_lambda.py");
  });

  it.skipIf(NO_PIP)(
    "a requirement pip cannot find is a user error naming it, without a stack trace",
    async () => {
      const root = source("apiship-no-such-package==9.9");
      made.push(root);
      const err = (await buildLambda(ctxFor(root), serviceOf(fnOf(root))).catch(
        (e: unknown) => e,
      )) as Error & {
        code?: string;
        fault?: string;
        hint?: string;
      };
      expect(err).toMatchObject({ code: "PIP_FAILED", fault: "user" });
      expect(err.message).toMatch(/apiship-no-such-package==9\.9/);
      expect(err.message).toMatch(/manylinux2014_x86_64, Python 3\.12/);
      expect(err.message).not.toMatch(/Traceback|File "/);
      expect(err.hint).toMatch(/PIP_INDEX_URL/);
    },
  );

  it("no python, or a python without pip, is PIP_MISSING with a hint", async () => {
    const root = source("tinydep==1.0");
    made.push(root);
    process.env.APISHIP_PYTHON = join(root, "no-such-python");
    try {
      await expect(buildLambda(ctxFor(root), serviceOf(fnOf(root)))).rejects.toMatchObject({
        code: "PIP_MISSING",
        fault: "user",
        message: expect.stringMatching(/no-such-python could not be run/),
        hint: expect.stringMatching(/APISHIP_PYTHON/),
      });
      // What a python without pip says.
      const fake = join(root, "python-without-pip");
      writeFileSync(fake, `#!/bin/sh\necho "$0: No module named pip" >&2\nexit 1\n`);
      chmodSync(fake, 0o755);
      process.env.APISHIP_PYTHON = fake;
      await expect(buildLambda(ctxFor(root), serviceOf(fnOf(root)))).rejects.toMatchObject({
        code: "PIP_MISSING",
        message: expect.stringMatching(/has no pip/),
      });
    } finally {
      restorePython();
    }
  });

  it("pip is told Lambda's platform: the architecture's manylinux2014 wheels and the runtime's CPython", () => {
    expect(pipTarget("python3.12", "arm64")).toEqual({
      platform: "manylinux2014_aarch64",
      pythonVersion: "3.12",
    });
    expect(pipArgs("requirements.txt", "/out", pipTarget("python3.10"))).toEqual(
      expect.arrayContaining([
        "--platform",
        "manylinux2014_x86_64",
        "--python-version",
        "3.10",
        "--implementation",
        "cp",
      ]),
    );
    expect(pipArgs("r", "o", pipTarget("python3.13"))).toEqual(
      expect.arrayContaining(["--only-binary=:all:", "--upgrade", "--no-compile", "--target"]),
    );
    const stderr = [
      "WARNING: Running pip as the 'root' user can result in broken permissions",
      "ERROR: Could not find a version that satisfies the requirement nope==1 (from versions: none)",
      "ERROR: No matching distribution found for nope==1",
    ].join("\n");
    expect(pipFailure(stderr)).toBe(
      "ERROR: Could not find a version that satisfies the requirement nope==1 (from versions: none)\nERROR: No matching distribution found for nope==1",
    );
  });

  it("platforms that build remotely keep requirements.txt as it is in the package (no install)", async () => {
    const root = source("tinydep==1.0");
    made.push(root);
    const original = readFileSync(join(root, "requirements.txt"), "utf8");
    for (const platform of ["gcp/cloud-functions", "heroku/web"] as const) {
      const dir = join(root, "..", `${root.split("/").pop()}-${platform.replace("/", "-")}`);
      made.push(dir);
      await buildPortable(platform, fnOf(root), root, dir, "fn");
      expect(readFileSync(join(dir, "requirements.txt"), "utf8")).toBe(original);
      expect(() => readFileSync(join(dir, "tinydep/__init__.py"))).toThrow();
    }
  });
});
