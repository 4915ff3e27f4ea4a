// Runs what a fake received (a function's uploaded package) the way its platform runs it, with the
// entry and the environment the platform was told, so an e2e test can send it a request:
// - Cloud Functions and Firebase (Node.js): Google's own functions-framework, serving the folder
//   with --target=<entry point>, as the Node.js runtime of Cloud Functions 2nd gen does;
// - Cloud Functions (Python): Flask calling the function as functions-framework-python does
//   (hosts/gcf_python_host.py: GOOGLE_FUNCTION_SOURCE and FUNCTION_TARGET);
// - Heroku: the Procfile's `web` command in a shell, with $PORT;
// - Lambda (Node.js and Python) and DigitalOcean Functions: a driver that loads the handler the
//   function was told and calls it with the documented event (a function URL event, a raw web
//   action's arguments; test/conformance/hosts.ts builds both), JSON in and out as the runtimes do.
// Packages are unpacked under node_modules/.cache, inside the repository, so the packages a
// platform installs from package.json (firebase-functions) resolve as they would when installed.

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { REPO_ROOT } from "../../providers/_shared/runtime/entries.js";
import type { WireRequest, WireResponse } from "../conformance/cases.js";
import {
  PYTHON,
  freePort,
  httpSend,
  lambdaEvent,
  lambdaWire,
  webActionArgs,
  webActionWire,
} from "../conformance/hosts.js";

const HOSTS = join(REPO_ROOT, "test/support/hosts");
const FUNCTIONS_FRAMEWORK = join(
  REPO_ROOT,
  "node_modules/@google-cloud/functions-framework/build/src/main.js",
);
const CACHE = join(REPO_ROOT, "node_modules/.cache/apiship-e2e-packages");

export interface Reply {
  status: number;
  headers: [string, string][];
  body: Buffer;
  /** The body as UTF-8. */
  text: string;
}

/** A package running as its platform runs it. */
export interface RunningPackage {
  request(req: WireRequest): Promise<Reply>;
  /** GET `target`. */
  get(target: string): Promise<Reply>;
  stop(): Promise<void>;
}

const reply = (w: WireResponse): Reply => {
  const body = Buffer.from(w.body);
  return { status: w.status, headers: w.headers, body, text: body.toString("utf8") };
};

function running(
  send: (req: WireRequest) => Promise<WireResponse>,
  stop: () => Promise<void>,
): RunningPackage {
  const request = async (req: WireRequest) => reply(await send(req));
  return { request, get: (target) => request({ method: "GET", target, headers: [] }), stop };
}

// ---------------------------------------------------------------- packages

/** Writes a package's files (zip entries or tar members) to a fresh folder under node_modules/.cache. */
export function unpackPackage(files: Map<string, Buffer>, prefix: string): string {
  mkdirSync(CACHE, { recursive: true });
  const dir = mkdtempSync(join(CACHE, `${prefix}-`));
  for (const [name, data] of files) {
    if (name.endsWith("/")) continue;
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return dir;
}

export function removePackage(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** path → contents of a (gzipped) ustar tarball: regular files only. */
export function untar(tgz: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(tgz);
  const out = new Map<string, Buffer>();
  for (let p = 0; p + 512 <= tar.length;) {
    const h = tar.subarray(p, p + 512);
    if (h.every((b) => b === 0)) break;
    const field = (at: number, n: number) =>
      h
        .subarray(at, at + n)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join("/");
    const size = parseInt(field(124, 12), 8);
    const type = field(156, 1);
    if (type === "0" || type === "") out.set(name, Buffer.from(tar.subarray(p + 512, p + 512 + size)));
    p += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

// ---------------------------------------------------------------- processes

interface Spawned {
  child: ChildProcess;
  output: () => string;
}

function start(cmd: string, args: string[], cwd: string, env: Record<string, string>): Spawned {
  const { PATH, HOME, TMPDIR } = process.env;
  const base = Object.fromEntries(
    Object.entries({ PATH, HOME, TMPDIR }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  // The platform's environment only: nothing of the test runner's (NODE_OPTIONS, VITEST...).
  const child = spawn(cmd, args, { cwd, env: { ...base, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

async function listening(port: number, p: Spawned, timeoutMs = 20_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (p.child.exitCode !== null)
      throw new Error(`exited (${p.child.exitCode}) before listening:\n${p.output()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listened on ${port} within ${timeoutMs} ms:\n${p.output()}`);
}

/** A process serving HTTP on $PORT. */
async function server(
  cmd: string,
  args: (port: number) => string[],
  cwd: string,
  env: Record<string, string>,
): Promise<RunningPackage> {
  const port = await freePort();
  const p = start(cmd, args(port), cwd, { ...env, PORT: String(port) });
  try {
    await listening(port, p);
  } catch (e) {
    await stopProcess(p.child);
    throw e;
  }
  return running(
    (req) => httpSend(port, req),
    () => stopProcess(p.child),
  );
}

/** A driver process: one JSON argument per stdin line, one {result} or {error} per stdout line. */
function driver(cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  const p = start(cmd, args, cwd, env);
  const waiting: ((line: string) => void)[] = [];
  let buffer = "";
  p.child.stdout?.on("data", (d: Buffer) => {
    buffer += d.toString();
    for (let nl = buffer.indexOf("\n"); nl !== -1; nl = buffer.indexOf("\n")) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      waiting.shift()?.(line);
    }
  });
  const call = async (arg: unknown): Promise<unknown> => {
    const line = new Promise<string>((resolve, reject) => {
      waiting.push(resolve);
      p.child.once("exit", () => reject(new Error(`the driver exited:\n${p.output()}`)));
    });
    p.child.stdin?.write(`${JSON.stringify(arg)}\n`);
    const out = JSON.parse(await line) as { result?: unknown; error?: string };
    if (out.error !== undefined) throw new Error(out.error);
    return out.result;
  };
  const stop = async () => {
    p.child.stdin?.end();
    await stopProcess(p.child);
  };
  return { call, stop };
}

// ---------------------------------------------------------------- platforms

/** Cloud Functions 2nd gen / Firebase, Node.js: functions-framework on the folder. */
export function serveFunctionsFramework(
  dir: string,
  entryPoint: string,
  env: Record<string, string> = {},
): Promise<RunningPackage> {
  return server(
    process.execPath,
    (port) => [
      FUNCTIONS_FRAMEWORK,
      `--target=${entryPoint}`,
      "--signature-type=http",
      `--source=${dir}`,
      `--port=${port}`,
    ],
    dir,
    env,
  );
}

/** Cloud Functions 2nd gen, Python: the function served by Flask (needs python3-flask). */
export function serveCloudFunctionsPython(
  dir: string,
  entryPoint: string,
  env: Record<string, string> = {},
): Promise<RunningPackage> {
  return server(PYTHON, (port) => [join(HOSTS, "gcf_python_host.py"), String(port)], dir, {
    PYTHONDONTWRITEBYTECODE: "1",
    ...env,
    FUNCTION_TARGET: entryPoint,
  });
}

/** Heroku: the Procfile's web process. */
export function serveProcfile(dir: string, env: Record<string, string> = {}): Promise<RunningPackage> {
  const web = /^web:\s*(.+)$/m.exec(readFileSync(join(dir, "Procfile"), "utf8"))?.[1];
  if (!web) throw new Error(`${dir}/Procfile has no web process`);
  return server("sh", () => ["-c", web], dir, { PYTHONDONTWRITEBYTECODE: "1", ...env, HOST: "127.0.0.1" });
}

/** Lambda: the handler ("file.export" for Node.js, "module.function" for Python) called with function URL events. */
export async function invokeLambda(
  dir: string,
  runtime: string,
  handler: string,
  env: Record<string, string> = {},
): Promise<RunningPackage> {
  const dot = handler.lastIndexOf(".");
  const d = runtime.startsWith("python")
    ? driver(PYTHON, [join(HOSTS, "lambda_driver.py")], dir, {
        PYTHONDONTWRITEBYTECODE: "1",
        ...env,
        _HANDLER: handler,
      })
    : driver(
        process.execPath,
        [join(HOSTS, "node_driver.mjs"), nodeModuleFile(dir, handler.slice(0, dot)), handler.slice(dot + 1)],
        dir,
        env,
      );
  return running(async (req) => lambdaWire(await d.call(lambdaEvent(req))), d.stop);
}

/** DigitalOcean Functions: the action's main, called with a raw web action's arguments. */
export async function invokeWebAction(dir: string, main: string): Promise<RunningPackage> {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { main?: string };
  const d = driver(process.execPath, [join(HOSTS, "node_driver.mjs"), pkg.main ?? "index.js", main], dir, {});
  return running(async (req) => webActionWire(await d.call(webActionArgs(req))), d.stop);
}

/** Lambda's Node.js runtime looks for the handler's module as .js, .mjs or .cjs. */
function nodeModuleFile(dir: string, module: string): string {
  const found = [".mjs", ".js", ".cjs"].map((ext) => `${module}${ext}`).find((f) => existsSync(join(dir, f)));
  if (!found) throw new Error(`no module ${module} (.mjs, .js, .cjs) in the package`);
  return found;
}

// ---------------------------------------------------------------- the function's URL

export interface PackageServer {
  /** What a fake hands out as the function's URL (ends with "/"). */
  url: string;
  /** Requests forwarded to a running package. */
  hits: number;
  /** Packages started, one per distinct package the fake held when a request came. */
  starts: number;
  close(): Promise<void>;
}

/** The package a fake holds now: `key` names its bytes; `start` runs it. */
export interface CurrentPackage {
  key: string;
  start(): Promise<RunningPackage>;
}

/**
 * A local server standing in for a function's URL that runs what the fake holds: on each request
 * it asks `current()` for the package the fake was last given, starts it when it is not the one
 * running (stopping the old one), and forwards the request to it. So the deploy's own health
 * check is answered by the uploaded code, not by a stand-in. No package yet: 503.
 */
export async function packageServer(current: () => CurrentPackage | undefined): Promise<PackageServer> {
  let live: { key: string; pkg: RunningPackage } | undefined;
  let queue = Promise.resolve();
  const state = { hits: 0, starts: 0 };
  const serve = async (req: WireRequest): Promise<Reply> => {
    const now = current();
    if (!now)
      return reply({ status: 503, headers: [], body: new TextEncoder().encode("no package deployed") });
    if (live?.key !== now.key) {
      await live?.pkg.stop();
      live = undefined;
      live = { key: now.key, pkg: await now.start() };
      state.starts++;
    }
    state.hits++;
    return live.pkg.request(req);
  };
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i] ?? "";
        if (!["host", "connection", "content-length"].includes(name.toLowerCase()))
          headers.push([name, req.rawHeaders[i + 1] ?? ""]);
      }
      const body = Buffer.concat(chunks);
      const wire: WireRequest = { method: req.method ?? "GET", target: req.url ?? "/", headers };
      if (body.length > 0) wire.body = new Uint8Array(body);
      // One request at a time: a package is started once, and stopped only between requests.
      const done = queue.then(() => serve(wire));
      queue = done.then(
        () => undefined,
        () => undefined,
      );
      done.then(
        (r) => {
          res.writeHead(
            r.status,
            r.headers
              .filter(([n]) => !["content-length", "transfer-encoding", "connection"].includes(n))
              .flat(),
          );
          res.end(r.body);
        },
        (e: unknown) => {
          res.writeHead(502, { "content-type": "text/plain" });
          res.end(`the package did not run: ${e instanceof Error ? e.message : String(e)}`);
        },
      );
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address() as net.AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await queue;
      await live?.pkg.stop();
      srv.closeAllConnections();
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  });
}
