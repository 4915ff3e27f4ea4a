// A portable function on DigitalOcean Functions (issue 19): the package is the generated entry
// bundled with the user's fetch handler as `index.js` (CommonJS) with a package.json, the action
// runs `main` as a raw HTTP web action (`raw-http: true`), and the bundle, unpacked from the very
// code the fake holds, answers a raw web action's arguments. An unchanged source plans no change;
// Python has no portable entry here (PORTABLE_UNSUPPORTED). Against the DigitalOcean fake.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Ctx, DeployableTarget } from "../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import { startDoFake } from "../../test/fakes/digitalocean/server.js";
import { baseService } from "../../test/support/test-provider/harness.js";
import { readAndPlan } from "../../test/support/read-plan.js";
import { echoHandlerSource, unpack } from "../../test/support/portable.js";
import { zipEntries } from "../../test/support/zip.js";
import type { DoClients } from "./clients.js";
import type { FnState } from "./fn-plan.js";
import { functions } from "./functions.js";

type Adapter = DeployableTarget<Record<string, unknown>, FnState, DoClients>;
const adapter = functions as unknown as Adapter;
const NAME = "shop-dev-api";

function serviceOf(fn: ServiceSpec["function"]): ServiceSpec {
  const { container: _c, ...rest } = baseService;
  return { ...rest, kind: "function", function: fn };
}

async function setup() {
  const fake = await startDoFake();
  const target = {
    name: "api",
    provider: "digitalocean",
    platform: "functions",
    options: functions.options.parse({ region: "fra1", endpoint: fake.url }) as unknown as Record<
      string,
      unknown
    >,
  } as TargetSpec & { options: Record<string, unknown> };
  const ctx = async (service: ServiceSpec): Promise<Ctx<DoClients>> => {
    const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
    return {
      clients: (await adapter.createClients({ target, env: { DIGITALOCEAN_TOKEN: "t" } })) as DoClients,
      stack,
      target,
      progress: { step: () => {}, done: () => {} },
      log: { debug: () => {}, info: () => {}, warn: () => {} },
      signal: new AbortController().signal,
    };
  };
  const plan = async (service: ServiceSpec, recorded?: FnState) => {
    const c = await ctx(service);
    const artifact = await adapter.build?.(c, service);
    const base = {
      stack: c.stack,
      target,
      service,
      name: NAME,
      recorded,
      secretHashes: { API_KEY: "hmac-sha256:1" },
    };
    return { c, planned: await readAndPlan(adapter, c, artifact ? { ...base, artifact } : base) };
  };
  return { fake, ctx, plan };
}

describe("digitalocean/functions with function.interface: portable", () => {
  it("ships index.js, runs main as a raw web action, and the bundle answers raw web action args", async () => {
    const w = await setup();
    try {
      const service = serviceOf({
        runtime: "nodejs18",
        handler: "src/index.handler",
        source: echoHandlerSource("dofn"),
        interface: "portable",
      });
      const { c, planned } = await w.plan(service);
      const action = planned.changes.find((x) => x.type === "action");
      expect(action?.after).toMatchObject({ main: "main", raw: true, web: true });
      const res = await adapter.apply(c, { ...planned, secrets: { API_KEY: "value" } });
      expect(res.state.action).toMatchObject({ main: "main", raw: true });
      expect(w.fake.rejected).toEqual([]);

      const live = [...w.fake.world.namespaces.values()][0]?.actions.get(NAME);
      expect(live?.exec).toMatchObject({ kind: "nodejs:18", binary: true, main: "main" });
      expect(live?.annotations).toContainEqual({ key: "raw-http", value: true });
      expect(live?.annotations).toContainEqual({ key: "web-export", value: true });
      const zip = zipEntries(Buffer.from(live?.exec.code ?? "", "base64"));
      expect([...zip.keys()].sort()).toEqual(["index.js", "package.json"]);
      const pkg = JSON.parse(zip.get("package.json")?.toString() ?? "{}") as Record<string, unknown>;
      expect(pkg).toMatchObject({ main: "index.js" });
      expect(pkg.type).not.toBe("module");

      // Run what the action holds, with a raw web action's arguments.
      const dir = unpack(zip, "dofn");
      const mod = createRequire(join(dir, "index.js"))("./index.js") as {
        main: (args: Record<string, unknown>) => Promise<{ statusCode: number; body: string }>;
      };
      const out = await mod.main({
        __ow_method: "get",
        __ow_path: "/greet",
        __ow_query: "name=a&name=b",
        __ow_headers: { host: "faas-fra1.doserverless.co" },
      });
      expect(out.statusCode).toBe(201);
      const body = /^[A-Za-z0-9+/]+=*$/.test(out.body)
        ? Buffer.from(out.body, "base64").toString()
        : out.body;
      expect(JSON.parse(body)).toEqual({ hello: ["a", "b"], path: "/greet" });

      // Unchanged source: the same package, no change planned.
      const again = await w.plan(service, res.state);
      expect(again.planned.changes.filter((x) => x.action !== "no-op")).toEqual([]);

      // Back to native: the action is no longer raw, main is the handler's function.
      const native = serviceOf({
        runtime: "nodejs18",
        handler: "index.main",
        source: echoHandlerSource("dofn"),
        interface: "native",
      });
      const back = await w.plan(native, res.state);
      expect(back.planned.changes.find((x) => x.type === "action")?.after).toMatchObject({ main: "main" });
      expect(back.planned.changes.find((x) => x.type === "action")?.after).not.toHaveProperty("raw");
    } finally {
      await w.fake.close();
    }
  });

  it("Python has no portable entry on DigitalOcean: a plan error with a hint", async () => {
    const w = await setup();
    try {
      const dir = mkdtempSync(join(tmpdir(), "apiship-dofn-portable-py-"));
      writeFileSync(join(dir, "main.py"), "async def app(scope, receive, send):\n    pass\n");
      const service = serviceOf({
        runtime: "python3.11",
        handler: "main:app",
        source: dir,
        interface: "portable",
      });
      const c = await w.ctx(service);
      const err = await Promise.resolve()
        .then(() =>
          adapter.plan({
            stack: c.stack,
            target: c.target as TargetSpec & { options: Record<string, unknown> },
            service,
            name: NAME,
            recorded: undefined,
            observed: undefined,
            secretHashes: {},
          }),
        )
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "PORTABLE_UNSUPPORTED", fault: "user" });
      expect((err as { hint?: string }).hint).toMatch(/interface: native/);
    } finally {
      await w.fake.close();
    }
  });
});
