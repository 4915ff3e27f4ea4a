// A portable function on Firebase (issue 19): the function half goes through the
// gcp/cloud-functions adapter, with Firebase's own runtime entry (an `onRequest` export named
// `apiship`, firebase-functions and firebase-admin installed by the build from the package's
// dependencies) and, behind a Hosting rewrite of "/api/**", APISHIP_BASE_PATH=/api so the app sees
// its own paths. Against the GCP fake and the Hosting fake behind one endpoint.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { Ctx, DeployableTarget } from "../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import type { Json } from "../../test/fakes/gcp/index.js";
import { startGcpFake } from "../../test/fakes/gcp/index.js";
import { startFirebaseFake } from "../../test/fakes/firebase/index.js";
import { service as baseService } from "../../test/fakes/firebase/unit-kit.js";
import { readAndPlan } from "../../test/support/read-plan.js";
import { zipEntries } from "../../test/support/zip.js";
import type { FirebaseClients } from "./clients.js";
import { basePathOf } from "./compose.js";
import { functions } from "./functions.js";

type Adapter = DeployableTarget<Record<string, unknown>, object, unknown>;
const adapter = functions as unknown as Adapter;
const NAME = "shop-dev-api";
const FN = `projects/acme-web/locations/europe-west1/functions/${NAME}`;

function nodeSource(): string {
  const dir = mkdtempSync(join(tmpdir(), "apiship-firebase-portable-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(
    join(dir, "src/index.mjs"),
    "export const handler = (request) => Response.json({ path: new URL(request.url).pathname });\n",
  );
  return dir;
}

async function setup(service: ServiceSpec) {
  const gcp = await startGcpFake({ knobs: { opPolls: 1 } });
  const fake = await startFirebaseFake({ gcp });
  const env = { GOOGLE_OAUTH_ACCESS_TOKEN: "t", APISHIP_GCP_POLL_MS: "1", APISHIP_FIREBASE_RETRY_MS: "1" };
  const target: TargetSpec = {
    name: "api",
    provider: "firebase",
    platform: "functions",
    options: (functions.options as z.ZodType).parse({
      project: "acme-web",
      region: "europe-west1",
      hosting: { path: "/api/**" },
      endpoint: fake.url,
    }) as Record<string, unknown>,
  };
  const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
  const ctx = async (): Promise<Ctx<unknown>> => ({
    clients: (await adapter.createClients({ target, env })) as FirebaseClients,
    stack,
    target,
    progress: { step: () => {}, done: () => {} },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    signal: new AbortController().signal,
  });
  const deploy = async (recorded?: object) => {
    const c = await ctx();
    const artifact = await adapter.build?.(c, service);
    const base = { stack, target, service, name: NAME, recorded, secretHashes: {} };
    const planned = await readAndPlan(adapter, c, artifact ? { ...base, artifact } : base);
    if (planned.changes.every((x) => x.action === "no-op")) return { planned, state: planned.observed };
    return { planned, state: (await adapter.apply(c, { ...planned, secrets: {} })).state };
  };
  const close = async () => {
    await fake.close();
    await gcp.close();
  };
  return { gcp, deploy, close };
}

describe("firebase/functions with function.interface: portable", () => {
  it("ships Firebase's entry with its dependencies, runs apiship, strips the rewrite's prefix", async () => {
    const service = {
      ...baseService,
      function: {
        runtime: "nodejs22",
        handler: "src/index.handler",
        source: nodeSource(),
        interface: "portable",
      },
    } as ServiceSpec;
    const w = await setup(service);
    try {
      const first = await w.deploy();
      const fnChange = first.planned.changes.find((c) => c.type === "function");
      expect(fnChange?.after).toMatchObject({
        entryPoint: "apiship",
        env: { LOG_LEVEL: "info", APISHIP_BASE_PATH: "/api" },
      });
      const fn = w.gcp.world.functions.get(FN) as Json;
      expect(fn.buildConfig).toMatchObject({ runtime: "nodejs22", entryPoint: "apiship" });
      expect((fn.serviceConfig as Json).environmentVariables).toMatchObject({ APISHIP_BASE_PATH: "/api" });
      const bytes = [...w.gcp.world.uploads.values()].filter((u) => u.bytes).at(-1)?.bytes;
      const zip = zipEntries(bytes ?? Buffer.alloc(0));
      expect([...zip.keys()].sort()).toEqual(["apiship-firebase.mjs", "package.json"]);
      expect(JSON.parse(zip.get("package.json")?.toString() ?? "{}")).toMatchObject({
        main: "apiship-firebase.mjs",
        type: "module",
        dependencies: { "firebase-functions": expect.any(String), "firebase-admin": expect.any(String) },
      });
      // firebase-functions stays out of the bundle: the build installs it.
      expect(zip.get("apiship-firebase.mjs")?.toString()).toMatch(/from "firebase-functions\/v2\/https"/);
      const again = await w.deploy(first.state);
      expect(again.planned.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it("a Python function takes Cloud Functions' entry (Firebase's are Cloud Functions)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "apiship-firebase-portable-py-"));
    writeFileSync(join(dir, "main.py"), "async def app(scope, receive, send):\n    pass\n");
    const service = {
      ...baseService,
      function: { runtime: "python3.12", handler: "main:app", source: dir, interface: "portable" },
    } as ServiceSpec;
    const w = await setup(service);
    try {
      const first = await w.deploy();
      expect(first.planned.changes.find((c) => c.type === "function")?.after).toMatchObject({
        entryPoint: "apiship",
        env: { APISHIP_APP: "main:app", APISHIP_BASE_PATH: "/api" },
        buildEnv: { GOOGLE_FUNCTION_SOURCE: "apiship_cloud_functions.py" },
      });
      const fn = w.gcp.world.functions.get(FN) as Json;
      expect((fn.buildConfig as Json).environmentVariables).toEqual({
        GOOGLE_FUNCTION_SOURCE: "apiship_cloud_functions.py",
      });
    } finally {
      await w.close();
    }
  });

  it("the base path is the rewrite glob's literal front", () => {
    expect(basePathOf("/api/**")).toBe("/api");
    expect(basePathOf("/v1/items/*")).toBe("/v1/items");
    expect(basePathOf("/**")).toBe("");
    expect(basePathOf("/api")).toBe("/api");
  });
});
