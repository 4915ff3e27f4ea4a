// A portable function on Cloud Functions 2nd gen (issue 19): the package is the generated entry
// bundled with the user's fetch handler (Node.js), or the user's source with the Python entry
// beside it; Cloud Functions is told to run entry point `apiship` (and, for Python, to build
// from the entry's file: GOOGLE_FUNCTION_SOURCE); the bundle unpacked from the very zip the fake
// received answers HTTP; an unchanged source plans no change. Against the GCP fake.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { DeployableTarget, TargetAdapter } from "../../src/core/provider.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { SECRET_VALUE, gcpWorld } from "../../test/fakes/gcp/harness.js";
import type { GcpWorldHandle } from "../../test/fakes/gcp/harness.js";
import type { Json } from "../../test/fakes/gcp/index.js";
import { baseService } from "../../test/support/test-provider/harness.js";
import { readAndPlan } from "../../test/support/read-plan.js";
import { echoHandlerSource } from "../../test/support/portable.js";
import { zipEntries } from "../../test/support/zip.js";
import type { GcpClients } from "./clients.js";
import { cloudFunctions } from "./cloud-functions.js";
import type { FunctionsState } from "./cloud-functions.js";

const adapter = cloudFunctions as unknown as DeployableTarget<
  Record<string, unknown>,
  FunctionsState,
  GcpClients
>;
const NAME = "shop-dev-api";
const FN = `projects/acme-shop/locations/europe-west1/functions/${NAME}`;

function pythonSource(): string {
  const dir = mkdtempSync(join(tmpdir(), "apiship-gcf-portable-py-"));
  writeFileSync(join(dir, "main.py"), "async def app(scope, receive, send):\n    pass\n");
  writeFileSync(join(dir, "requirements.txt"), "starlette\n");
  return dir;
}

function serviceOf(runtime: string, handler: string, source: string): ServiceSpec {
  const { container: _c, ...rest } = baseService;
  return {
    ...rest,
    kind: "function",
    function: { runtime, handler, source, interface: "portable" },
  };
}

async function deploy(w: GcpWorldHandle, service: ServiceSpec, recorded?: FunctionsState) {
  const ctx = await w.ctx(w.target, service);
  const artifact = await adapter.build?.(ctx, service);
  const base = {
    stack: { ...w.stack, service },
    target: w.target,
    service,
    name: NAME,
    recorded,
    secretHashes: { API_KEY: "h1" },
  };
  const planned = await readAndPlan(adapter, ctx, artifact ? { ...base, artifact } : base);
  if (planned.changes.every((c) => c.action === "no-op")) return { planned, state: planned.observed };
  const res = await adapter.apply(ctx, { ...planned, secrets: { API_KEY: SECRET_VALUE } });
  return { planned, state: res.state };
}

/** The zip the fake received through its signed upload URL (the latest one). */
function uploaded(w: GcpWorldHandle): Map<string, Buffer> {
  const bytes = [...w.fake.world.uploads.values()].filter((u) => u.bytes).at(-1)?.bytes;
  if (!bytes) throw new Error("nothing uploaded");
  return zipEntries(bytes);
}

const world = (service: ServiceSpec) =>
  gcpWorld(cloudFunctions as unknown as TargetAdapter<Record<string, unknown>, object, GcpClients>, {
    service,
  });

describe("gcp/cloud-functions with function.interface: portable", () => {
  it("Node.js: ships the bundled entry, runs entry point apiship, and the bundle answers HTTP", async () => {
    const service = serviceOf("nodejs22", "src/index.handler", echoHandlerSource("gcf"));
    const w = await world(service);
    try {
      const first = await deploy(w, service);
      const fnChange = first.planned.changes.find((c) => c.type === "function");
      expect(fnChange?.after).toMatchObject({ entryPoint: "apiship", env: { LOG_LEVEL: "info" } });
      expect(fnChange?.after).not.toHaveProperty("buildEnv");
      const fn = w.fake.world.functions.get(FN) as Json;
      expect(fn.buildConfig).toMatchObject({ runtime: "nodejs22", entryPoint: "apiship" });
      // (the client library sends an empty map as {})
      expect((fn.buildConfig as Json).environmentVariables ?? {}).toEqual({});
      const zip = uploaded(w);
      expect([...zip.keys()].sort()).toEqual(["apiship-cloud-functions.mjs", "package.json"]);
      expect(JSON.parse(zip.get("package.json")?.toString() ?? "{}")).toMatchObject({
        type: "module",
        main: "apiship-cloud-functions.mjs",
      });
      // Run what Cloud Functions received, as functions-framework would: apiship(req, res).
      const dir = mkdtempSync(join(tmpdir(), "apiship-gcf-run-"));
      for (const [name, data] of zip) writeFileSync(join(dir, name), data);
      const mod = (await import(pathToFileURL(join(dir, "apiship-cloud-functions.mjs")).href)) as {
        apiship: (req: unknown, res: unknown) => Promise<void>;
      };
      const server = createServer((req, res) => void mod.apiship(req, res));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      try {
        const port = (server.address() as AddressInfo).port;
        const res = await fetch(`http://127.0.0.1:${port}/greet?name=a&name=b`);
        expect(res.status).toBe(201);
        expect(await res.json()).toEqual({ hello: ["a", "b"], path: "/greet" });
      } finally {
        server.close();
      }
      // Unchanged source: the same package, no change planned.
      const again = await deploy(w, service, first.state);
      expect(again.planned.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it("Python: ships the entry beside the source, with APISHIP_APP and GOOGLE_FUNCTION_SOURCE", async () => {
    const service = serviceOf("python3.12", "main.app", pythonSource());
    const w = await world(service);
    try {
      const first = await deploy(w, service);
      const fnChange = first.planned.changes.find((c) => c.type === "function");
      expect(fnChange?.after).toMatchObject({
        entryPoint: "apiship",
        env: { LOG_LEVEL: "info", APISHIP_APP: "main:app" },
        buildEnv: { GOOGLE_FUNCTION_SOURCE: "apiship_cloud_functions.py" },
      });
      const fn = w.fake.world.functions.get(FN) as Json;
      expect(fn.buildConfig).toMatchObject({
        runtime: "python312",
        entryPoint: "apiship",
        environmentVariables: { GOOGLE_FUNCTION_SOURCE: "apiship_cloud_functions.py" },
      });
      expect((fn.serviceConfig as Json).environmentVariables).toMatchObject({ APISHIP_APP: "main:app" });
      expect([...uploaded(w).keys()].sort()).toEqual([
        "apiship_asgi.py",
        "apiship_cloud_functions.py",
        "main.py",
        "requirements.txt",
      ]);
      const again = await deploy(w, service, first.state);
      expect(again.planned.changes.filter((c) => c.action !== "no-op")).toEqual([]);

      // Back to native: the build setting goes with the entry.
      const native = { ...service, function: { ...service.function!, interface: "native" as const } };
      const back = await deploy(w, native, again.state);
      expect(back.planned.changes.find((c) => c.type === "function")?.after).toMatchObject({
        entryPoint: "app",
      });
      const bc = (w.fake.world.functions.get(FN) as Json).buildConfig as Json;
      expect(bc.environmentVariables ?? {}).toEqual({});
    } finally {
      await w.close();
    }
  });
});
