// A portable function on Azure Functions (issue 19): the package is the generated entry (the v4
// programming model's HTTP function `apiship` on route {*path}) bundled with the user's fetch
// handler and @azure/functions, with host.json (routePrefix "") and a package.json naming it
// `main`; the app gets APISHIP_AUTH_LEVEL; Kudu receives exactly that package; an unchanged
// source plans no change. Python: the v2 model's function_app.py and apiship_asgi.py beside the
// user's source, host.json, and requirements.txt listing azure-functions (added to the package's
// copy, never to the user's file); the app gets APISHIP_APP. Against the Azure fake.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DeployableTarget } from "../../src/core/provider.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { SECRET_VALUE, SUBSCRIPTION, azureWorld } from "../../test/fakes/azure/harness.js";
import { readAndPlan } from "../../test/support/read-plan.js";
import { zipEntries } from "../../test/support/zip.js";
import type { AzureClients } from "./clients.js";
import { functions } from "./functions.js";
import type { FunctionsOptions, FunctionsState } from "./functions.js";

const adapter = functions as DeployableTarget<FunctionsOptions, FunctionsState, AzureClients>;
const NAME = "shop-dev-fn";

function nodeSource(): string {
  const dir = mkdtempSync(join(tmpdir(), "apiship-azfn-portable-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(
    join(dir, "src/index.mjs"),
    "export const handler = (request) => Response.json({ path: new URL(request.url).pathname });\n",
  );
  writeFileSync(join(dir, "notes.txt"), "not shipped");
  return dir;
}

/** A Python source: an ASGI app, and a requirements.txt when given. */
function pythonSource(requirements?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "apiship-azfn-portable-py-"));
  writeFileSync(join(dir, "main.py"), "async def app(scope, receive, send):\n    pass\n");
  if (requirements !== undefined) writeFileSync(join(dir, "requirements.txt"), requirements);
  return dir;
}

const serviceOf = (fn: ServiceSpec["function"]): ServiceSpec => ({
  kind: "function",
  function: fn,
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY" },
  resources: { memory: 512 },
  scaling: { min: 0, max: 20 },
  health: { path: "/health", status: 200, timeoutMs: 2000, attempts: 2, intervalMs: 20 },
  access: "public",
  timeoutMs: 30_000,
});

async function world(service: ServiceSpec) {
  const options = functions.options.parse({
    subscription: SUBSCRIPTION,
    resourceGroup: "rg-shop-fn",
    location: "westeurope",
  });
  const w = await azureWorld(adapter, { name: "fn", platform: "functions", options, service });
  const plan = async (recorded?: FunctionsState) => {
    const ctx = await w.ctx();
    const artifact = await adapter.build?.(ctx, service);
    const planned = await readAndPlan(adapter, ctx, {
      stack: w.stack,
      target: w.target,
      service,
      name: NAME,
      recorded,
      secretHashes: { API_KEY: "hmac-sha256:1" },
      ...(artifact ? { artifact } : {}),
    });
    return { ctx, artifact, planned };
  };
  return { w, plan };
}

/** The package alone: a build needs no cloud. */
async function buildOnly(service: ServiceSpec) {
  const { w } = await world(service);
  try {
    return await adapter.build!(await w.ctx(), service);
  } finally {
    await w.close();
  }
}

describe("azure/functions with function.interface: portable", () => {
  it("ships the bundled entry with host.json, sets the auth level, and plans no change when unchanged", async () => {
    const source = nodeSource();
    const service = serviceOf({
      runtime: "nodejs22",
      handler: "src/index.handler",
      source,
      interface: "portable",
    });
    const { w, plan } = await world(service);
    try {
      const first = await plan();
      const app = first.planned.changes.find((c) => c.type === "app");
      expect(app?.after).toMatchObject({
        runtime: "node|22",
        env: { LOG_LEVEL: "info", APISHIP_AUTH_LEVEL: "anonymous" },
      });
      const res = await adapter.apply(first.ctx, { ...first.planned, secrets: { API_KEY: SECRET_VALUE } });
      expect(res.state.app?.env).toEqual({ LOG_LEVEL: "info", APISHIP_AUTH_LEVEL: "anonymous" });

      // Kudu received the package built from the portable source.
      const bytes = readFileSync(first.artifact!.path);
      expect(w.fake.world.sites.get(NAME)?.packages.at(-1)).toBe(first.artifact!.sha256);
      const zip = zipEntries(bytes);
      expect([...zip.keys()].sort()).toEqual(["apiship-azure.mjs", "host.json", "package.json"]);
      expect(JSON.parse(zip.get("package.json")?.toString() ?? "{}")).toMatchObject({
        type: "module",
        main: "apiship-azure.mjs",
      });
      expect(JSON.parse(zip.get("host.json")?.toString() ?? "{}")).toMatchObject({
        extensions: { http: { routePrefix: "" } },
      });
      const bundle = zip.get("apiship-azure.mjs")?.toString() ?? "";
      // @azure/functions is bundled (resolved from apiship's own dependencies); only the
      // worker-provided core stays external.
      expect(bundle).toMatch(/from "@azure\/functions-core"|require\("@azure\/functions-core"\)/);
      expect(bundle).not.toMatch(/from "@azure\/functions"/);
      expect(bundle).toContain("{*path}");

      const again = await plan(res.state);
      expect(again.planned.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await w.close();
      rmSync(source, { recursive: true, force: true });
    }
  });

  it("@azure/functions is a runtime dependency of apiship (bundled at build time)", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    expect(pkg.dependencies?.["@azure/functions"]).toBeDefined();
    expect(pkg.devDependencies?.["@azure/functions"]).toBeUndefined();
  });

  it("Python: ships function_app.py beside the source with host.json and azure-functions required, and sets APISHIP_APP", async () => {
    const dir = pythonSource("fastapi==0.115.0\n");
    const service = serviceOf({
      runtime: "python3.11",
      handler: "main:app",
      source: dir,
      interface: "portable",
    });
    const { w, plan } = await world(service);
    try {
      const first = await plan();
      const app = first.planned.changes.find((c) => c.type === "app");
      expect(app?.after).toMatchObject({
        runtime: "python|3.11",
        env: { LOG_LEVEL: "info", APISHIP_AUTH_LEVEL: "anonymous", APISHIP_APP: "main:app" },
      });
      const res = await adapter.apply(first.ctx, { ...first.planned, secrets: { API_KEY: SECRET_VALUE } });
      expect(w.fake.world.sites.get(NAME)?.packages.at(-1)).toBe(first.artifact!.sha256);

      const zip = zipEntries(readFileSync(first.artifact!.path));
      expect([...zip.keys()].sort()).toEqual([
        "apiship_asgi.py",
        "function_app.py",
        "host.json",
        "main.py",
        "requirements.txt",
      ]);
      expect(zip.get("function_app.py")?.toString()).toContain('@app.route(route="{*path}"');
      expect(JSON.parse(zip.get("host.json")?.toString() ?? "{}")).toMatchObject({
        extensions: { http: { routePrefix: "" } },
      });
      expect(zip.get("requirements.txt")?.toString()).toMatch(
        /^fastapi==0\.115\.0\n(#.*\n)?azure-functions\n$/,
      );
      // The user's file is as it was.
      expect(readFileSync(join(dir, "requirements.txt"), "utf8")).toBe("fastapi==0.115.0\n");

      const again = await plan(res.state);
      expect(again.planned.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Python: a requirements.txt that lists azure-functions ships as it is; none gets one", async () => {
    for (const [given, shipped] of [
      ["Azure_Functions>=1.20  # the library\nhttpx\n", "Azure_Functions>=1.20  # the library\nhttpx\n"],
      [undefined, /^(#.*\n)?azure-functions\n$/],
    ] as const) {
      const dir = pythonSource(given);
      const artifact = await buildOnly(
        serviceOf({ runtime: "python3.12", handler: "main:app", source: dir, interface: "portable" }),
      );
      const text = zipEntries(readFileSync(artifact.path)).get("requirements.txt")?.toString();
      if (typeof shipped === "string") expect(text).toBe(shipped);
      else expect(text).toMatch(shipped);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Python: a source with its own function_app.py is a user error, since the entry is generated under that name", async () => {
    const dir = pythonSource();
    writeFileSync(join(dir, "function_app.py"), "import azure.functions as func\n");
    try {
      const err = await buildOnly(
        serviceOf({ runtime: "python3.11", handler: "main:app", source: dir, interface: "portable" }),
      ).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "PORTABLE_HANDLER", fault: "user" });
      expect((err as Error).message).toMatch(/function_app\.py/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
