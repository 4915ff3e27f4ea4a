// Hosts: each runs one runtime entry the way its platform does and speaks WireRequest/WireResponse
// to the suite. Node entries are bundled first with the catalogue's esbuild options, `apiship:app`
// bound to the conformance app, exactly as a build would.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import Module from "node:module";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import {
  esbuildOptions,
  REPO_ROOT,
  runtimeEntry,
  type RuntimeEntry,
  type RuntimePlatform,
} from "../../providers/_shared/runtime/entries.js";
import type { ConformanceCase, WireRequest, WireResponse } from "./cases.js";

export const HERE = path.join(REPO_ROOT, "test/conformance");
/** Inside the repository's node_modules, so externals (firebase-functions) resolve as deployed. */
export const WORK = path.join(REPO_ROOT, "node_modules/.cache/apiship-conformance");
export const NODE_APP = path.join(HERE, "app.mjs");

export interface Host {
  name: string;
  start(): Promise<void>;
  send(request: WireRequest, c: ConformanceCase): Promise<WireResponse>;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------- building

/** Bundles a Node entry (or a broken variant of it) as the build step would. */
export async function bundle(entry: RuntimeEntry, dir: string, source?: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, entry.output);
  const options = esbuildOptions(entry, NODE_APP, outfile);
  if (source) options.entryPoints = [source];
  await build(options);
  // The artifact's package.json: the module type of the bundle, and its entry for the platforms
  // that read `main` (Cloud Functions, Firebase, Azure, DigitalOcean).
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      type: entry.format === "cjs" ? "commonjs" : "module",
      main: entry.output,
      private: true,
    }),
  );
  for (const extra of entry.extraFiles)
    copyFileSync(path.join(REPO_ROOT, extra.source), path.join(dir, extra.output));
  return outfile;
}

/** Assembles a Python entry's files as the artifact holds them, plus the conformance app. */
export function assemblePython(entry: RuntimeEntry, dir: string): string {
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(REPO_ROOT, entry.source), path.join(dir, entry.output));
  for (const extra of entry.extraFiles)
    copyFileSync(path.join(REPO_ROOT, extra.source), path.join(dir, extra.output));
  copyFileSync(path.join(HERE, "asgi_app.py"), path.join(dir, "conformance_app.py"));
  return dir;
}

// ---------------------------------------------------------------- helpers

export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

/** Sends a request over real HTTP to 127.0.0.1, header lines kept as given (repeats included). */
export function httpSend(port: number, request: WireRequest, prefix = ""): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const lines: string[] = ["host", `127.0.0.1:${port}`];
    for (const [name, value] of request.headers) lines.push(name, value);
    if (request.body) lines.push("content-length", String(request.body.length));
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: request.method,
        path: prefix + request.target,
        headers: lines,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const headers: [string, string][] = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            headers.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
          }
          resolve({ status: res.statusCode ?? 0, headers, body: new Uint8Array(Buffer.concat(chunks)) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(request.body ? Buffer.from(request.body) : undefined);
  });
}

async function waitForPort(port: number, child: ChildProcess, logs: () => string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`host exited (${child.exitCode}) before listening:\n${logs()}`);
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
  throw new Error(`host did not listen on ${port} within ${timeoutMs} ms:\n${logs()}`);
}

/** A process serving HTTP on a port: functions-framework, the Heroku servers, Flask. */
function processHost(
  name: string,
  command: () => Promise<{ cmd: string; args: string[]; env: Record<string, string>; cwd: string }>,
  prefix = "",
): Host {
  let child: ChildProcess | undefined;
  let port = 0;
  let output = "";
  return {
    name,
    async start() {
      port = await freePort();
      const { cmd, args, env, cwd } = await command();
      child = spawn(
        cmd,
        args.map((a) => a.replace("$PORT", String(port))),
        {
          cwd,
          env: { ...process.env, ...env, PORT: String(port) },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
      await waitForPort(port, child, () => output);
    },
    send(request) {
      return httpSend(port, request, prefix);
    },
    async stop() {
      if (child && child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child?.kill("SIGKILL"), 3000);
        await once(child, "exit");
        clearTimeout(timer);
      }
    },
  };
}

function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf("?");
  return q === -1 ? { path: target, query: "" } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

// ---------------------------------------------------------------- AWS Lambda

const AWS_FIXTURE = JSON.parse(readFileSync(path.join(HERE, "fixtures/aws-function-url.json"), "utf8")) as {
  request: Record<string, unknown> & {
    requestContext: Record<string, unknown> & { http: Record<string, unknown> };
  };
  response: Record<string, unknown>;
};

// Function URLs pass these bodies as text; anything else arrives base64-encoded.
const LAMBDA_TEXT = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)\b)/i;

/**
 * A function URL event for a request, from the AWS documentation's sample: lowercase header names,
 * repeated headers comma-joined, the Cookie header as the `cookies` array, the query both raw and
 * as a comma-joined map, a base64 body for non-text types. With `stage`, the event an HTTP API
 * stage sends (rawPath starts with the stage).
 */
export function lambdaEvent(request: WireRequest, stage?: string): Record<string, unknown> {
  const event = structuredClone(AWS_FIXTURE.request);
  const { path: rawPath, query } = splitTarget(request.target);
  const headers: Record<string, string> = {
    host: "abcdefg.lambda-url.us-east-1.on.aws",
    "x-forwarded-proto": "https",
  };
  let cookies: string[] | undefined;
  for (const [rawName, value] of request.headers) {
    const name = rawName.toLowerCase();
    if (name === "cookie") {
      cookies = [...(cookies ?? []), ...value.split(";").map((c) => c.trim())];
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  if (request.body) headers["content-length"] = String(request.body.length);
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query))
    params[k] = params[k] === undefined ? v : `${params[k]},${v}`;
  const fullPath = stage ? `/${stage}${rawPath}` : rawPath;
  event.rawPath = fullPath;
  event.rawQueryString = query;
  event.headers = headers;
  if (cookies) event.cookies = cookies;
  else delete event.cookies;
  if (query) event.queryStringParameters = params;
  else delete event.queryStringParameters;
  event.requestContext.http.method = request.method;
  event.requestContext.http.path = fullPath;
  event.requestContext.domainName = headers.host;
  if (stage) {
    event.requestContext.stage = stage;
    event.routeKey = event.requestContext.routeKey = "ANY /{proxy+}";
  }
  const contentType = headers["content-type"] ?? "";
  if (request.body && request.body.length > 0) {
    const text = LAMBDA_TEXT.test(contentType);
    event.body = Buffer.from(request.body).toString(text ? "utf8" : "base64");
    event.isBase64Encoded = !text;
  } else {
    delete event.body;
    event.isBase64Encoded = false;
  }
  return event;
}

/** Turns a 2.0 response object into what the client gets, refusing what Lambda would refuse. */
export function lambdaWire(result: unknown): WireResponse {
  const r = JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
  if (!Number.isInteger(r.statusCode))
    throw new Error(`statusCode must be an integer: ${JSON.stringify(r.statusCode)}`);
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries((r.headers as Record<string, unknown>) ?? {})) {
    if (typeof value !== "string") throw new Error(`header ${name} must be a string`);
    headers.push([name.toLowerCase(), value]);
  }
  for (const cookie of (r.cookies as unknown[]) ?? []) {
    if (typeof cookie !== "string") throw new Error("cookies must be strings");
    headers.push(["set-cookie", cookie]);
  }
  if (r.body !== undefined && typeof r.body !== "string") throw new Error("body must be a string");
  const body = Buffer.from((r.body as string) ?? "", r.isBase64Encoded ? "base64" : "utf8");
  return { status: r.statusCode as number, headers, body: new Uint8Array(body) };
}

type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

export function lambdaNodeHost(source?: string, label = "aws/lambda (Node.js)"): Host {
  let handler: LambdaHandler;
  return {
    name: label,
    async start() {
      const entry = runtimeEntry("aws/lambda", "nodejs");
      const file = await bundle(
        entry,
        path.join(WORK, source ? `lambda-${path.basename(source)}` : "lambda"),
        source,
      );
      const mod = (await import(`${pathToFileURL(file).href}?t=${Date.now()}`)) as { handler: LambdaHandler };
      handler = mod.handler;
    },
    async send(request, c) {
      // Lambda's runtime JSON-parses the event and JSON-serializes the result.
      const event = JSON.parse(JSON.stringify(lambdaEvent(request, c.platformPrefix ? "prod" : undefined)));
      return lambdaWire(await handler(event, { awsRequestId: "conformance" }));
    },
    async stop() {},
  };
}

// ---------------------------------------------------------------- functions-framework

const FUNCTIONS_FRAMEWORK = path.join(
  REPO_ROOT,
  "node_modules/@google-cloud/functions-framework/build/src/main.js",
);

export function functionsFrameworkHost(platform: RuntimePlatform, basePath = ""): Host {
  const entry = runtimeEntry(platform, "nodejs");
  return processHost(
    `${platform} (Node.js, functions-framework)`,
    async () => {
      const dir = path.join(WORK, platform.replace("/", "-"));
      const file = await bundle(entry, dir);
      return {
        cmd: process.execPath,
        args: [
          FUNCTIONS_FRAMEWORK,
          `--target=${entry.invoke}`,
          "--signature-type=http",
          `--source=${file}`,
          "--port=$PORT",
        ],
        env: basePath ? { APISHIP_BASE_PATH: basePath } : ({} as Record<string, string>),
        cwd: dir,
      };
    },
    basePath,
  );
}

// ---------------------------------------------------------------- Heroku / App Platform

export function herokuNodeHost(): Host {
  const entry = runtimeEntry("heroku/web", "nodejs");
  return processHost("heroku/web (Node.js, node on $PORT)", async () => {
    const dir = path.join(WORK, "heroku");
    const file = await bundle(entry, dir);
    return { cmd: process.execPath, args: [file], env: { HOST: "127.0.0.1" }, cwd: dir };
  });
}

// ---------------------------------------------------------------- DigitalOcean Functions

// OpenWhisk's rule for __ow_body in a raw web action: text types as they are, the rest (JSON
// included) base64-encoded.
const OW_TEXT = /^(text\/|application\/(x-www-form-urlencoded|xml|javascript)\b)/i;

/** The arguments of a raw web action, as the OpenWhisk controller builds them. */
export function webActionArgs(request: WireRequest): Record<string, unknown> {
  const { path: rawPath, query } = splitTarget(request.target);
  const headers: Record<string, string> = {
    host: "faas-nyc1-2ef2e6cc.doserverless.co",
    "x-forwarded-proto": "https",
  };
  for (const [rawName, value] of request.headers) {
    const name = rawName.toLowerCase();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  if (request.body) headers["content-length"] = String(request.body.length);
  const args: Record<string, unknown> = {
    __ow_method: request.method.toLowerCase(),
    __ow_headers: headers,
    // The path after /api/v1/web/<namespace>/<package>/<action>: the platform's prefix is gone.
    __ow_path: rawPath,
    __ow_query: query,
  };
  if (request.body && request.body.length > 0) {
    args.__ow_body = Buffer.from(request.body).toString(
      OW_TEXT.test(headers["content-type"] ?? "") ? "utf8" : "base64",
    );
  }
  return args;
}

/** What the controller sends to the client for a web action's result. */
export function webActionWire(result: unknown): WireResponse {
  const r = JSON.parse(JSON.stringify(result)) as {
    statusCode?: number;
    headers?: Record<string, unknown>;
    body?: unknown;
  };
  const headers: [string, string][] = [];
  let contentType = "";
  for (const [name, value] of Object.entries(r.headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
        throw new Error(`header ${name}: ${JSON.stringify(v)} is not a string, number or boolean`);
      }
      headers.push([name.toLowerCase(), String(v)]);
      if (name.toLowerCase() === "content-type") contentType = String(v);
    }
  }
  let body = Buffer.alloc(0);
  if (r.body !== undefined) {
    if (typeof r.body !== "string") throw new Error("body must be a string");
    // With a content type, the controller base64-decodes bodies of binary (non-text) types.
    const binary = contentType !== "" && !OW_TEXT.test(contentType);
    body = Buffer.from(r.body, binary ? "base64" : "utf8");
  }
  return { status: r.statusCode ?? 200, headers, body: new Uint8Array(body) };
}

export function digitalOceanHost(): Host {
  let main: (args: unknown) => Promise<unknown>;
  return {
    name: "digitalocean/functions (Node.js, OpenWhisk raw web action)",
    async start() {
      const entry = runtimeEntry("digitalocean/functions", "nodejs");
      const file = await bundle(entry, path.join(WORK, "digitalocean"));
      // The bundle is CommonJS, as the action's package.json declares.
      const required = Module.createRequire(file)(file) as { main: typeof main };
      main = required.main;
    },
    async send(request) {
      return webActionWire(await main(JSON.parse(JSON.stringify(webActionArgs(request)))));
    },
    async stop() {},
  };
}

// ---------------------------------------------------------------- Azure Functions

interface CapturedFunction {
  metadata: {
    name: string;
    bindings: Record<
      string,
      { type: string; direction: string; route?: string; methods?: string[]; authLevel?: string }
    >;
  };
  callback: (...args: unknown[]) => unknown;
}
interface CoreModel {
  getInvocationModel(ctx: unknown): {
    getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
    invokeFunction(context: unknown, inputs: unknown[], handler: unknown): Promise<unknown>;
    getResponse(context: unknown, result: unknown): Promise<{ returnValue?: { http?: RpcHttp } }>;
  };
}
interface RpcHttp {
  statusCode?: string;
  headers?: Record<string, string>;
  cookies?: {
    name: string;
    value: string;
    domain?: { value: string };
    path?: { value: string };
    secure?: { value: boolean };
    httpOnly?: { value: boolean };
    sameSite?: string;
    maxAge?: { value: number };
  }[];
  body?: { bytes?: Uint8Array; string?: string };
}

/**
 * The Azure Functions Node.js worker's side of @azure/functions, as the worker provides it: the
 * `@azure/functions-core` module (registerFunction, setProgrammingModel) injected into require.
 * The library's own ProgrammingModel/InvocationModel then turn an RPC invocation, shaped as the
 * Functions host sends it, into HttpRequest → handler → HttpResponse → RPC response.
 */
export function azureHost(routePrefixOverride?: string): Host {
  const registered: CapturedFunction[] = [];
  let model: CoreModel | undefined;
  let routePrefix = "api";
  return {
    name: `azure/functions (Node.js, @azure/functions v4 through its worker API)${routePrefixOverride !== undefined ? ` routePrefix "${routePrefixOverride}"` : ""}`,
    async start() {
      const core = {
        version: "3.10.1",
        registerFunction(metadata: CapturedFunction["metadata"], callback: CapturedFunction["callback"]) {
          registered.push({ metadata, callback });
          return { dispose() {} };
        },
        setProgrammingModel(m: CoreModel) {
          model = m;
        },
        getProgrammingModel: () => model,
        registerHook: () => ({ dispose() {} }),
        log() {},
        Disposable: class {
          dispose() {}
        },
      };
      const proto = Module.prototype as unknown as { require: (id: string) => unknown };
      const original = proto.require;
      proto.require = function (this: unknown, id: string) {
        return id === "@azure/functions-core" ? core : original.call(this, id);
      };
      const entry = runtimeEntry("azure/functions", "nodejs");
      const dir = path.join(WORK, "azure");
      const file = await bundle(entry, dir);
      await import(`${pathToFileURL(file).href}?t=${Date.now()}`);
      const hostJson = JSON.parse(readFileSync(path.join(dir, "host.json"), "utf8")) as {
        extensions?: { http?: { routePrefix?: string } };
      };
      routePrefix = routePrefixOverride ?? hostJson.extensions?.http?.routePrefix ?? "api";
      if (!model) throw new Error("the entry never set the @azure/functions programming model");
      if (registered.length !== 1)
        throw new Error(`expected one registered function, got ${registered.length}`);
    },
    async send(request) {
      const fn = registered[0]!;
      const [triggerName, trigger] = Object.entries(fn.metadata.bindings).find(
        ([, b]) => b.type === "httpTrigger",
      )!;
      if (trigger.route !== "{*path}") throw new Error(`route ${trigger.route}, expected {*path}`);
      if (!trigger.methods?.includes(request.method))
        return { status: 404, headers: [], body: new Uint8Array() };
      const { path: rawPath, query } = splitTarget(request.target);
      const prefix = routePrefix === "" ? "" : `/${routePrefix}`;
      const headers: Record<string, string> = { host: "apiship-fn.azurewebsites.net" };
      for (const [rawName, value] of request.headers) {
        const name = rawName.toLowerCase();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      const queryMap: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(query))
        queryMap[k] = queryMap[k] === undefined ? v : `${queryMap[k]},${v}`;
      const rpcHttp = {
        method: request.method,
        url: `https://apiship-fn.azurewebsites.net${prefix}${rawPath}${query ? `?${query}` : ""}`,
        headers,
        query: queryMap,
        params: { path: decodeURIComponent(rawPath.slice(1)) },
        body: request.body && request.body.length > 0 ? { bytes: request.body } : undefined,
      };
      const invocation = model!.getInvocationModel({
        invocationId: "conformance",
        metadata: fn.metadata,
        request: { inputData: [{ name: triggerName, data: { http: rpcHttp } }], triggerMetadata: {} },
        state: undefined,
        log() {},
      });
      const { context, inputs } = await invocation.getArguments();
      const result = await invocation.invokeFunction(context, inputs, fn.callback);
      const response = await invocation.getResponse(context, result);
      const out = response.returnValue?.http;
      if (!out) throw new Error("no HTTP response from the function");
      const wireHeaders: [string, string][] = Object.entries(out.headers ?? {}).map(([k, v]) => [
        k.toLowerCase(),
        v,
      ]);
      for (const cookie of out.cookies ?? []) {
        // As the host writes an RPC cookie: name=value and its attributes.
        const parts = [`${cookie.name}=${cookie.value}`];
        if (cookie.domain?.value) parts.push(`domain=${cookie.domain.value}`);
        if (cookie.path?.value) parts.push(`path=${cookie.path.value}`);
        if (cookie.maxAge?.value !== undefined) parts.push(`max-age=${cookie.maxAge.value}`);
        if (cookie.secure?.value) parts.push("secure");
        if (cookie.sameSite && cookie.sameSite !== "none") {
          parts.push(`samesite=${cookie.sameSite === "explicitNone" ? "none" : cookie.sameSite}`);
        }
        if (cookie.httpOnly?.value) parts.push("httponly");
        wireHeaders.push(["set-cookie", parts.join("; ")]);
      }
      const body =
        out.body?.bytes ??
        (out.body?.string !== undefined ? new TextEncoder().encode(out.body.string) : new Uint8Array());
      return { status: Number(out.statusCode), headers: wireHeaders, body: new Uint8Array(body) };
    },
    async stop() {},
  };
}

// ---------------------------------------------------------------- Python

/** Debian's python3 (where python3-flask lives), else the first python3 on PATH. */
export const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

export function pythonHas(module: string): boolean {
  return spawnSync(PYTHON, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

const PY_ENV = { APISHIP_APP: "conformance_app:app", PYTHONDONTWRITEBYTECODE: "1" };

/** The Python Lambda entry, called by a small driver as Lambda's Python runtime calls it. */
export function lambdaPythonHost(): Host {
  let child: ChildProcess;
  let buffer = "";
  const waiting: ((line: string) => void)[] = [];
  let errors = "";
  return {
    name: "aws/lambda (Python)",
    async start() {
      const dir = assemblePython(runtimeEntry("aws/lambda", "python"), path.join(WORK, "py-lambda"));
      copyFileSync(path.join(HERE, "hosts/lambda_driver.py"), path.join(dir, "lambda_driver.py"));
      child = spawn(PYTHON, ["lambda_driver.py"], {
        cwd: dir,
        env: { ...process.env, ...PY_ENV },
        stdio: ["pipe", "pipe", "pipe"],
      });
      child.stderr?.on("data", (d: Buffer) => (errors += d.toString()));
      child.stdout?.on("data", (d: Buffer) => {
        buffer += d.toString();
        let nl: number;
        while ((nl = buffer.indexOf("\n")) !== -1) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          waiting.shift()?.(line);
        }
      });
    },
    async send(request, c) {
      const event = lambdaEvent(request, c.platformPrefix ? "prod" : undefined);
      const line = new Promise<string>((resolve, reject) => {
        waiting.push(resolve);
        child.once("exit", () => reject(new Error(`driver exited: ${errors}`)));
      });
      child.stdin!.write(`${JSON.stringify(event)}\n`);
      const reply = JSON.parse(await line) as { result?: unknown; error?: string };
      if (reply.error) throw new Error(reply.error);
      return lambdaWire(reply.result);
    },
    async stop() {
      child.stdin?.end();
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}

export function herokuPythonHost(): Host {
  return processHost("heroku/web (Python, apiship_server.py on $PORT)", async () => {
    const dir = assemblePython(runtimeEntry("heroku/web", "python"), path.join(WORK, "py-heroku"));
    return { cmd: PYTHON, args: ["apiship_server.py"], env: { ...PY_ENV, HOST: "127.0.0.1" }, cwd: dir };
  });
}

export function cloudFunctionsPythonHost(): Host {
  return processHost(
    "gcp/cloud-functions (Python, Flask as functions-framework-python serves it)",
    async () => {
      const dir = assemblePython(runtimeEntry("gcp/cloud-functions", "python"), path.join(WORK, "py-gcf"));
      copyFileSync(path.join(HERE, "hosts/flask_host.py"), path.join(dir, "flask_host.py"));
      return { cmd: PYTHON, args: ["flask_host.py", "$PORT"], env: PY_ENV, cwd: dir };
    },
  );
}
