// The conformance cases against the Azure Functions Python entry (function_app.py, the v2
// programming model), built as a deploy builds it (buildPortable) and run under Microsoft's own
// azure-functions library: hosts/azure_driver.py indexes the FunctionApp and calls the function
// through the library's request and response converters, as the Python worker does. The requests
// are shaped as the Node.js Azure host in hosts.ts shapes them (URL with the route prefix,
// repeated headers joined, the query as a map, the catch-all route parameter).
//
// azure-functions is not installable here (no PyPI, not in Debian), so this suite runs only when
// APISHIP_AZURE_PYTHONPATH is a PYTHONPATH under which `import azure.functions` works, e.g. a
// checkout of github.com/Azure/azure-functions-python-library; it is skipped otherwise.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPortable } from "../../providers/_shared/portable.js";
import { CASES, check, type WireRequest, type WireResponse } from "./cases.js";
import { HERE, PYTHON } from "./hosts.js";

const AZURE_PYTHONPATH = process.env.APISHIP_AZURE_PYTHONPATH ?? "";
const available =
  AZURE_PYTHONPATH !== "" &&
  spawnSync(PYTHON, ["-c", "import azure.functions"], {
    env: { ...process.env, PYTHONPATH: AZURE_PYTHONPATH },
    stdio: "ignore",
  }).status === 0;
const SKIPPED = available
  ? ""
  : " [skipped: azure-functions cannot be imported; set APISHIP_AZURE_PYTHONPATH to a PYTHONPATH holding it, e.g. a checkout of Azure/azure-functions-python-library]";

interface Binding {
  type: string;
  name: string;
  route?: string;
  methods?: string[];
  authLevel?: string;
}
type Metadata = { name: string; bindings: Binding[] }[];

// Bodies the host hands the worker as text; the rest as bytes.
const TEXT = /^(text\/|application\/(json|xml|x-www-form-urlencoded)\b)/i;

/** function_app.py built from the conformance app, run by the driver under azure-functions. */
function azurePythonHost(opts: { routePrefix?: string; env?: Record<string, string> } = {}) {
  let child: ChildProcess;
  let buffer = "";
  let errors = "";
  let exited: Error | undefined;
  const waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  let routePrefix = "api";
  let trigger: Binding | undefined;
  const dirs: string[] = [];
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      if (exited) reject(exited);
      else waiting.push({ resolve, reject });
    });
  return {
    metadata: [] as Metadata,
    async start() {
      const source = mkdtempSync(path.join(tmpdir(), "apiship-azpy-src-"));
      const dir = mkdtempSync(path.join(tmpdir(), "apiship-azpy-pkg-"));
      dirs.push(source, dir);
      copyFileSync(path.join(HERE, "asgi_app.py"), path.join(source, "conformance_app.py"));
      const fn = {
        runtime: "python3.11",
        handler: "conformance_app:app",
        source,
        interface: "portable" as const,
      };
      const built = await buildPortable("azure/functions", fn, source, dir, "conformance");
      copyFileSync(path.join(HERE, "hosts/azure_driver.py"), path.join(dir, "azure_driver.py"));
      const hostJson = JSON.parse(readFileSync(path.join(dir, "host.json"), "utf8")) as {
        extensions?: { http?: { routePrefix?: string } };
      };
      routePrefix = opts.routePrefix ?? hostJson.extensions?.http?.routePrefix ?? "api";
      child = spawn(PYTHON, ["azure_driver.py"], {
        cwd: dir,
        env: {
          ...process.env,
          ...built.env,
          ...opts.env,
          PYTHONPATH: AZURE_PYTHONPATH,
          PYTHONDONTWRITEBYTECODE: "1",
        },
        stdio: ["pipe", "pipe", "pipe"],
      });
      child.stderr?.on("data", (d: Buffer) => (errors += d.toString()));
      // After stderr is read whole: the driver's own message says why it stopped.
      child.once("close", (code) => {
        exited = new Error(`driver exited (${code}): ${errors}`);
        for (const w of waiting.splice(0)) w.reject(exited);
      });
      child.stdout?.on("data", (d: Buffer) => {
        buffer += d.toString();
        let nl: number;
        while ((nl = buffer.indexOf("\n")) !== -1) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          waiting.shift()?.resolve(line);
        }
      });
      this.metadata = JSON.parse(await nextLine()) as Metadata;
      trigger = this.metadata[0]?.bindings.find((b) => b.type === "httpTrigger");
    },
    async send(request: WireRequest): Promise<WireResponse> {
      if (!trigger?.methods?.includes(request.method))
        return { status: 404, headers: [], body: new Uint8Array() };
      const q = request.target.indexOf("?");
      const rawPath = q === -1 ? request.target : request.target.slice(0, q);
      const query = q === -1 ? "" : request.target.slice(q + 1);
      const headers: Record<string, string> = { host: "apiship-fn.azurewebsites.net" };
      for (const [rawName, value] of request.headers) {
        const name = rawName.toLowerCase();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      const queryMap: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(query))
        queryMap[k] = queryMap[k] === undefined ? v : `${queryMap[k]},${v}`;
      const prefix = routePrefix === "" ? "" : `/${routePrefix}`;
      const body = Buffer.from(request.body ?? new Uint8Array());
      const line = nextLine();
      child.stdin!.write(
        `${JSON.stringify({
          method: request.method,
          url: `https://apiship-fn.azurewebsites.net${prefix}${rawPath}${query ? `?${query}` : ""}`,
          headers,
          query: queryMap,
          params: { path: decodeURIComponent(rawPath.slice(1)) },
          body: body.toString("base64"),
          bodyType: body.length > 0 && TEXT.test(headers["content-type"] ?? "") ? "string" : "bytes",
        })}\n`,
      );
      const reply = JSON.parse(await line) as {
        status: number;
        headers: [string, string][];
        body: string;
        error?: string;
      };
      if (reply.error) throw new Error(reply.error);
      return {
        status: reply.status,
        headers: reply.headers,
        body: new Uint8Array(Buffer.from(reply.body, "base64")),
      };
    },
    async stop() {
      if (child) {
        child.stdin?.end();
        if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
      }
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!available)(
  `azure/functions (Python, function_app.py under the azure-functions library)${SKIPPED}`,
  () => {
    const host = azurePythonHost();
    beforeAll(() => host.start());
    afterAll(() => host.stop());

    it("indexes one HTTP function apiship on the catch-all route, every method, anonymous by default", () => {
      expect(host.metadata).toHaveLength(1);
      expect(host.metadata[0]).toMatchObject({ name: "apiship", scriptFile: "function_app.py" });
      expect(host.metadata[0]?.bindings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: "httpTrigger",
            route: "{*path}",
            authLevel: "ANONYMOUS",
            methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
          }),
          expect.objectContaining({ type: "http", name: "$return" }),
        ]),
      );
    });

    it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      expect(check(c, await host.send(c.request))).toEqual([]);
    });
  },
);

describe.skipIf(!available)(`azure/functions (Python) settings and negative checks${SKIPPED}`, () => {
  it("APISHIP_AUTH_LEVEL=function registers the function with a key required", async () => {
    const host = azurePythonHost({ env: { APISHIP_AUTH_LEVEL: "function" } });
    try {
      await host.start();
      expect(host.metadata[0]?.bindings.find((b) => b.type === "httpTrigger")?.authLevel).toBe("FUNCTION");
    } finally {
      await host.stop();
    }
  });

  it("an unknown APISHIP_AUTH_LEVEL fails indexing with a message naming it", async () => {
    const host = azurePythonHost({ env: { APISHIP_AUTH_LEVEL: "everyone" } });
    try {
      await expect(host.start()).rejects.toThrow(/APISHIP_AUTH_LEVEL is 'everyone'/);
    } finally {
      await host.stop();
    }
  });

  it("without host.json's empty routePrefix, /api leaks into the path the app sees", async () => {
    const host = azurePythonHost({ routePrefix: "api" });
    try {
      await host.start();
      const c = CASES.find((x) => x.platformPrefix)!;
      expect(check(c, await host.send(c.request))).not.toEqual([]);
    } finally {
      await host.stop();
    }
  });
});
