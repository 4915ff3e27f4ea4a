// gcp/cloud-functions passes the same lifecycle as every platform, against the GCP fake through
// the real @google-cloud/functions and @google-cloud/run clients; plus what only a built
// function has: the content-hash skip, the upload of a changed zip, a failed build reported with
// its log, and rollback by traffic of the underlying Run service.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DeployableTarget, TargetAdapter } from "../../src/core/provider.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { cloudFunctions } from "../../providers/gcp/cloud-functions.js";
import type { FunctionsState } from "../../providers/gcp/cloud-functions.js";
import type { GcpClients } from "../../providers/gcp/clients.js";
import { isMutating } from "../fakes/gcp/index.js";
import type { Json } from "../fakes/gcp/index.js";
import { SECRET_VALUE, gcpWorld } from "../fakes/gcp/harness.js";
import type { GcpWorldHandle } from "../fakes/gcp/harness.js";
import { baseService } from "../support/test-provider/harness.js";
import { readAndPlan } from "../support/read-plan.js";
import { doubleMemory, worldFixture } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

const adapter = cloudFunctions as unknown as DeployableTarget<
  Record<string, unknown>,
  FunctionsState,
  GcpClients
>;
const NAME = "shop-dev-api";
const FN = `projects/acme-shop/locations/europe-west1/functions/${NAME}`;

function source(): { dir: string; service: ServiceSpec } {
  const dir = mkdtempSync(join(tmpdir(), "apiship-gcf-src-"));
  writeFileSync(join(dir, "index.js"), "exports.handler = (req, res) => res.send('hello');\n");
  const { container: _c, ...rest } = baseService;
  return {
    dir,
    service: {
      ...rest,
      kind: "function",
      function: { runtime: "nodejs22", handler: "index.handler", source: dir, interface: "native" },
    },
  };
}

async function world(): Promise<GcpWorldHandle & { dir: string }> {
  const src = source();
  const w = await gcpWorld(
    cloudFunctions as unknown as TargetAdapter<Record<string, unknown>, object, GcpClients>,
    {
      service: src.service,
    },
  );
  return {
    ...w,
    dir: src.dir,
    close: async () => {
      await w.close();
      rmSync(src.dir, { recursive: true, force: true });
    },
  };
}

describeLifecycle("gcp/cloud-functions", async () =>
  worldFixture(await world(), {
    adapter,
    name: NAME,
    secrets: { API_KEY: SECRET_VALUE },
    update: doubleMemory,
    replace: {
      target: (t) => ({ ...t, options: { ...t.options, region: "europe-west4" } }),
      forcedBy: "region",
    },
  }),
);

async function deploy(w: GcpWorldHandle, recorded: FunctionsState | undefined, service = w.service) {
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
  if (planned.changes.every((c) => c.action === "no-op"))
    return { changes: planned.changes, state: planned.observed };
  const res = await adapter.apply(ctx, { ...planned, secrets: { API_KEY: SECRET_VALUE } });
  return { changes: planned.changes, state: res.state, result: res };
}

describe("gcp/cloud-functions deploys", () => {
  it("uploads once per content hash, patches with a mask, and rolls back by Run traffic", async () => {
    const w = await world();
    try {
      const first = await deploy(w, undefined);
      expect(first.result?.endpoint).toBe(`https://europe-west1-acme-shop.cloudfunctions.net/${NAME}`);
      const fn = w.fake.world.functions.get(FN) as Json;
      expect((fn.buildConfig as Json).runtime).toBe("nodejs22");
      expect((fn.buildConfig as Json).entryPoint).toBe("handler");
      expect((fn.serviceConfig as Json).environmentVariables).toEqual({
        LOG_LEVEL: "info",
        API_KEY: SECRET_VALUE,
      });
      expect(
        w.fake.world.policies.get(`projects/acme-shop/locations/europe-west1/services/${NAME}`)?.bindings,
      ).toEqual([{ role: "roles/run.invoker", members: ["allUsers"] }]);
      const uploads = () =>
        w.fake.requests.filter((r) => r.method === "PUT" && r.path.startsWith("/upload/")).length;
      expect(uploads()).toBe(1);

      const before = w.fake.requests.filter(isMutating).length;
      const same = await deploy(w, first.state);
      expect(same.changes.filter((c) => c.action !== "no-op")).toEqual([]);
      expect(w.fake.requests.filter(isMutating).length).toBe(before);

      // Configuration only: a patch without a new upload.
      const bigger = { ...w.service, resources: { ...w.service.resources, memory: 1024 } };
      const cfg = await deploy(w, same.state, bigger);
      expect(uploads()).toBe(1);
      const patch = w.fake.requests.filter((r) => r.method === "PATCH").at(-1);
      expect(patch?.query.get("updateMask")).toBe(
        "serviceConfig.allTrafficOnLatestRevision,serviceConfig.availableMemory",
      );

      writeFileSync(join(w.dir, "index.js"), "exports.handler = (req, res) => res.send('changed');\n");
      const code = await deploy(w, cfg.state, bigger);
      expect(uploads()).toBe(2);
      const r1 = cfg.state?.function?.revision;
      const r2 = code.state?.function?.revision;
      expect(r2).not.toBe(r1);

      const ctx = await w.ctx(w.target, bigger);
      const back = await adapter.rollback?.(ctx, code.state as FunctionsState, cfg.state as FunctionsState);
      expect(back?.release).toBe(r1);
      const svc = w.fake.world.services.get(`projects/acme-shop/locations/europe-west1/services/${NAME}`);
      expect(svc?.traffic).toEqual([
        { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: r1, percent: 100 },
      ]);
    } finally {
      await w.close();
    }
  });

  it("reports a failed build with the build log's URL and its last lines", async () => {
    const w = await world();
    try {
      w.fake.knobs.failBuild = "npm ERR! code ELIFECYCLE\nnpm ERR! errno 1";
      const err = await deploy(w, undefined).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "BUILD_FAILED", fault: "user" });
      expect((err as Error).message).toMatch(/npm ERR! errno 1/);
      expect((err as Error).message).toMatch(
        /build log: https:\/\/console\.cloud\.google\.com\/cloud-build\/builds;region=europe-west1\//,
      );
      // The next deploy, with the build fixed, goes through.
      w.fake.knobs.failBuild = undefined;
      const ok = await deploy(w, undefined);
      expect(ok.state?.function?.state).toBe("ACTIVE");
    } finally {
      await w.close();
    }
  });
});
