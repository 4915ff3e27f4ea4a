// The composition of firebase/functions over a stub of the gcp/cloud-functions adapter: which
// half each contract method reaches, with what target, and the Hosting requests it sends.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { PlanRequest, ResourceChange } from "../../src/core/provider.js";
import {
  ctxOf,
  fixture,
  hostingClients,
  scriptedFetch,
  service,
} from "../../test/fakes/firebase/unit-kit.js";
import type { Canned } from "../../test/fakes/firebase/unit-kit.js";
import type { FirebaseClients } from "./clients.js";
import { composeFirebase } from "./compose.js";
import type { FirebaseOptions, FirebaseState, FunctionAdapter } from "./compose.js";
import { desiredConfig } from "./hosting-plan.js";
import type { HostingState } from "./hosting-plan.js";

const NAME = "shop-dev-api";
const VERSION = "sites/shop-dev-api/versions/0a1b2c3d4e5f6071";
interface FnState {
  code: string;
}

function stubFunction() {
  const calls: { method: string; target?: unknown; arg?: unknown }[] = [];
  const fn: FunctionAdapter = {
    options: z.object({
      project: z.string(),
      region: z.string(),
      ingress: z.string().default("all"),
      endpoint: z.string().optional(),
    }),
    createClients: (cfg) => ({ gcpFor: cfg.target.options }),
    read: async (ctx, prior) => {
      calls.push({ method: "read", target: ctx.target.options });
      return prior;
    },
    plan: (req) => {
      const before = (req.observed as FnState | undefined) ?? null;
      const after = { code: req.artifact?.sha256 ?? "v1" };
      const action = before === null ? "create" : before.code === after.code ? "no-op" : "update";
      const c: ResourceChange = {
        type: "function",
        name: req.name,
        action,
        before: before as never,
        after,
        sensitivePaths: [],
        replacePaths: [],
        dependsOn: [],
      };
      return { changes: [c] };
    },
    apply: async (ctx, change) => {
      calls.push({ method: "apply", target: ctx.target.options, arg: change.changes.map((c) => c.type) });
      return {
        state: { code: (change.changes[0]?.after as unknown as FnState).code },
        outputs: { url: "https://fn.run.app" },
        endpoint: "https://fn.run.app",
      };
    },
    destroy: async (ctx, s) => void calls.push({ method: "destroy", arg: s }),
    status: async () => ({ health: "ready", endpoint: "https://fn.run.app" }),
    rollback: async (ctx, s, to) => {
      calls.push({ method: "rollback", arg: [s, to] });
      return { state: to, outputs: {} };
    },
  };
  return { fn, calls };
}

const options: FirebaseOptions = {
  project: "acme-web",
  region: "europe-west1",
  hosting: { path: "/api/**" },
};
const hosting: HostingState = {
  project: "acme-web",
  site: NAME,
  created: true,
  url: "https://shop-dev-api.web.app",
  release: {
    name: "r1",
    version: VERSION,
    type: "DEPLOY",
    config: desiredConfig({
      project: "acme-web",
      region: "europe-west1",
      path: "/api/**",
      functionName: NAME,
    }),
  },
};

function world(responses: Canned[], opts: FirebaseOptions = options) {
  const s = scriptedFetch(responses);
  const { fn, calls } = stubFunction();
  const clients: FirebaseClients = { fn: { stub: true }, hosting: hostingClients(s.fetch) };
  return {
    ...s,
    calls,
    b: composeFirebase(fn),
    ctx: ctxOf(clients, opts as unknown as Record<string, unknown>),
  };
}

function req(
  opts: FirebaseOptions,
  observed: FirebaseState | undefined,
  sha = "v1",
): PlanRequest<FirebaseOptions, FirebaseState> {
  const target = {
    name: "api",
    provider: "firebase",
    platform: "functions",
    options: opts as FirebaseOptions & Record<string, unknown>,
  };
  return {
    stack: ctxOf({}).stack,
    target,
    service,
    name: NAME,
    recorded: observed,
    observed,
    secretHashes: {},
    artifact: { path: "/tmp/a.zip", sha256: sha, bytes: 1 },
  };
}

describe("firebase/functions composition", () => {
  it("the function half sees a gcp/cloud-functions target with its own defaults", async () => {
    const { b, ctx, calls } = world([{ status: 404, body: fixture("error-not-found") }]);
    expect(await b.read(ctx, undefined, NAME)).toBeUndefined();
    expect(calls).toEqual([
      { method: "read", target: { project: "acme-web", region: "europe-west1", ingress: "all" } },
    ]);
  });

  it("plans the function's changes, then the site and its release", () => {
    const { b } = world([]);
    const changes = b.plan(req(options, undefined)).changes;
    expect(changes.map((c) => [c.type, c.name, c.action])).toEqual([
      ["function", NAME, "create"],
      ["hosting-site", NAME, "create"],
      ["hosting-release", `${NAME}/release`, "create"],
    ]);
    expect(changes[2]?.dependsOn).toEqual(["hosting-site", "function"]);
    expect(changes[2]?.after).toEqual({
      config: { rewrites: [{ glob: "/api/**", run: { serviceId: NAME, region: "europe-west1" } }] },
    });
  });

  it("an unchanged redeploy plans no change; a new path updates only the release", () => {
    const { b } = world([]);
    const observed = { function: { code: "v1" }, hosting };
    expect(b.plan(req(options, observed)).changes.map((c) => c.action)).toEqual(["no-op", "no-op", "no-op"]);
    const moved = b.plan(req({ ...options, hosting: { path: "/v2/**" } }, observed)).changes;
    expect(moved.map((c) => c.action)).toEqual(["no-op", "no-op", "update"]);
    expect(moved[2]?.reason).toBe("config.rewrites changed");
  });

  it("a new site id replaces the site and its release", () => {
    const { b } = world([]);
    const changes = b.plan(
      req(
        { ...options, hosting: { site: "acme-api", path: "/api/**" } },
        { function: { code: "v1" }, hosting },
      ),
    ).changes;
    expect(changes.map((c) => c.action)).toEqual(["no-op", "replace", "replace"]);
    expect(changes[1]?.replacePaths).toEqual(["site"]);
  });

  it("dropping hosting deletes the release and the site apiship created", () => {
    const { b } = world([]);
    const { hosting: _h, ...noHosting } = options;
    const changes = b.plan(req(noHosting, { function: { code: "v1" }, hosting })).changes;
    expect(changes.map((c) => [c.type, c.action])).toEqual([
      ["function", "no-op"],
      ["hosting-release", "delete"],
      ["hosting-site", "delete"],
    ]);
  });

  it("refuses access: private behind Hosting, which invokes the function unauthenticated", () => {
    const { b } = world([]);
    const r = { ...req(options, undefined), service: { ...service, access: "private" as const } };
    expect(() => b.plan(r)).toThrow(/serves the function publicly/);
  });

  it("a code change applies the function only; the endpoint is the Hosting URL under the rewrite", async () => {
    const { b, ctx, calls, sent } = world([]);
    const observed = { function: { code: "v1" }, hosting };
    const r = req(options, observed, "v2");
    const result = await b.apply(ctx, { ...r, changes: b.plan(r).changes, secrets: {} });
    expect(calls.map((c) => [c.method, c.arg])).toEqual([["apply", ["function"]]]);
    expect(sent).toEqual([]);
    expect(result).toMatchObject({
      state: { function: { code: "v2" }, hosting },
      endpoint: "https://shop-dev-api.web.app/api",
      release: "0a1b2c3d4e5f6071",
      outputs: {
        url: "https://fn.run.app",
        hostingUrl: "https://shop-dev-api.web.app",
        hostingVersion: VERSION,
      },
    });
  });

  it("rollback rolls the function back and re-releases the previous Hosting version", async () => {
    const { b, ctx, calls, sent } = world([{ body: { ...fixture("release"), type: "ROLLBACK" } }]);
    const now = {
      function: { code: "v2" },
      hosting: { ...hosting, release: { ...hosting.release!, version: "sites/shop-dev-api/versions/new" } },
    };
    const prev = { function: { code: "v1" }, hosting };
    const r = await b.rollback!(ctx, now, prev);
    expect(calls.map((c) => c.method)).toEqual(["rollback"]);
    expect(sent.map((q) => `${q.method} ${q.url}`)).toEqual([
      `POST /v1beta1/sites/${NAME}/releases?versionName=${VERSION}`,
    ]);
    expect(r.state).toMatchObject({
      function: { code: "v1" },
      hosting: { release: { version: VERSION, type: "ROLLBACK" } },
    });
    expect(r.endpoint).toBe("https://shop-dev-api.web.app/api");
  });

  it("destroy takes the site down before the function it routes to", async () => {
    const { b, ctx, calls, sent } = world([{ body: {} }]);
    await b.destroy(ctx, { function: { code: "v1" }, hosting });
    expect(sent.map((q) => q.method)).toEqual(["DELETE"]);
    expect(calls.map((c) => c.method)).toEqual(["destroy"]);
  });

  it("status is the function's, with the Hosting endpoint and the live version", async () => {
    const { b, ctx } = world([{ body: fixture("site") }, { body: { releases: [fixture("release")] } }]);
    expect(await b.status(ctx, { function: { code: "v1" }, hosting })).toEqual({
      health: "ready",
      endpoint: "https://shop-dev-api.web.app/api",
      release: "0a1b2c3d4e5f6071",
    });
    const gone = world([
      { body: fixture("site") },
      { body: { releases: [{ name: "x", type: "SITE_DISABLE" }] } },
    ]);
    expect((await gone.b.status(gone.ctx, { function: { code: "v1" }, hosting })).health).toBe("down");
  });
});
