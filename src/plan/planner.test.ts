import { describe, it, expect } from "vitest";
import { z } from "zod";
import type { ResourceChange } from "../core/provider.js";
import { defineProvider, defineTarget } from "../core/provider.js";
import { Registry } from "../core/registry.js";
import { ProviderError, UsageError } from "../errors.js";
import type { ServiceSpec, Stack, TargetSpec } from "../manifest/types.js";
import type { StackState, TargetRecord } from "../state/store.js";
import { diffAttributes, joinPath } from "./diff.js";
import { serializePlan } from "./file.js";
import type { PlanStackOptions } from "./planner.js";
import { planStack } from "./planner.js";
import { renderHuman } from "./render/human.js";
import { renderMarkdown } from "./render/markdown.js";
import { parsePlan } from "./schema.js";
import { fingerprint } from "./secrets.js";

// A tiny platform: one "box" per target, replaced when its region changes.
interface Box {
  image: string;
  memory: number;
  region: string;
  secrets: Record<string, string>;
}

function fakeWorld() {
  const cloud = new Map<string, Box>();
  const calls = { read: 0, plan: 0 };
  const box = defineTarget<{ region: string }, Box, Map<string, Box>>({
    id: "fake/box",
    provider: "fake",
    platform: "box",
    summary: "a box",
    kinds: ["container"],
    options: z.object({ region: z.string() }),
    limits: {},
    capabilities: { nativeRollback: null, coldStart: "always on", scalesToZero: false },
    naming: { resource: "box", maxLength: 40, lowercase: true, extraChars: "-", startsWithLetter: true },
    createClients: (cfg) => {
      if (cfg.target.options.region === "locked" && !cfg.env.FAKE_TOKEN) {
        throw new ProviderError("no fake credentials: tried FAKE_TOKEN", {
          code: "CREDENTIALS",
          hint: "set FAKE_TOKEN",
        });
      }
      return cloud;
    },
    read: async (ctx, _prior, name) => {
      calls.read += 1;
      return ctx.clients.get(name);
    },
    plan: (req) => {
      calls.plan += 1;
      if (req.target.options.region === "boom") throw new Error("adapter bug");
      const after = {
        image: req.service.container?.image ?? "",
        memory: req.service.resources.memory,
        region: req.target.options.region,
        secrets: req.secretHashes,
      };
      const before = req.observed ? { ...req.observed } : null;
      const sensitive = Object.keys(req.secretHashes).map((s) => joinPath("secrets", s));
      const d = diffAttributes(before, after, { sensitive, forcesReplace: ["region"] });
      const change: ResourceChange = {
        type: "box",
        name: req.name,
        action: d.action,
        before,
        after,
        sensitivePaths: d.sensitivePaths,
        replacePaths: d.replacePaths,
        dependsOn: [],
      };
      return { changes: [change] };
    },
    apply: async () => {
      throw new Error("planning never applies");
    },
    destroy: async () => undefined,
    status: async () => ({ health: "unknown" }),
  });
  const later = defineTarget({
    id: "fake/later",
    provider: "fake",
    platform: "later",
    summary: "descriptor only",
    kinds: ["container"],
    options: z.object({}),
    limits: {},
    capabilities: { nativeRollback: null, coldStart: "n/a", scalesToZero: true },
    naming: box.naming,
  });
  const registry = new Registry({
    fake: async () => defineProvider({ id: "fake", summary: "fake", targets: [box, later] }),
  });
  return { cloud, calls, registry };
}

function fakeStore(initial?: StackState) {
  const stacks = new Map<string, StackState>(initial ? [[initial.stack, initial]] : []);
  let ensured = 0;
  const store: PlanStackOptions["store"] = {
    read: async (id) => structuredClone(stacks.get(id)),
    ensure: async (id) => {
      ensured += 1;
      const s = stacks.get(id) ?? {
        stack: id,
        serial: 0,
        secretKey: KEY,
        targets: {},
        updatedAt: "2024-01-01T00:00:00.000Z",
      };
      stacks.set(id, s);
      return structuredClone(s);
    },
  };
  return { store, ensured: () => ensured };
}

const KEY = Buffer.from("k".repeat(32)).toString("base64");
const CANARY = "CANARY-d41d8cd9-secret-value";

function service(extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    kind: "container",
    container: { image: "img:1", port: 8080 },
    env: {},
    secrets: {},
    resources: { memory: 512 },
    scaling: { min: 0, max: 2 },
    health: { path: "/", status: 200, timeoutMs: 1000, attempts: 1, intervalMs: 10 },
    access: "public",
    timeoutMs: 30000,
    ...extra,
  };
}

const target = (name: string, region = "eu", platform = "box"): TargetSpec => ({
  name,
  provider: "fake",
  platform,
  options: { region },
});

function stack(targets: TargetSpec[], svc = service()): Stack {
  return { id: "app/prod", app: "app", environment: "prod", service: svc, targets };
}

function rec(name: string, state: Box, platform = "fake/box"): TargetRecord {
  return {
    target: name,
    platform,
    name: `app-prod-${name}`,
    state: { ...state },
    outputs: {},
    deployedAt: "2024-01-01T00:00:00.000Z",
  };
}

function state(targets: Record<string, TargetRecord>): StackState {
  return { stack: "app/prod", serial: 3, secretKey: KEY, targets, updatedAt: "2024-01-01T00:00:00.000Z" };
}

function opts(
  w: ReturnType<typeof fakeWorld>,
  store: PlanStackOptions["store"],
  extra: Partial<PlanStackOptions> = {},
): PlanStackOptions {
  return {
    registry: w.registry,
    store,
    offline: false,
    env: {},
    manifest: { path: "apiship.yaml", sha256: "e".repeat(64) },
    toolVersion: "0.1.0",
    now: () => new Date("2024-05-01T12:00:00.000Z"),
    ...extra,
  };
}

const box = (extra: Partial<Box> = {}): Box => ({
  image: "img:1",
  memory: 512,
  region: "eu",
  secrets: {},
  ...extra,
});

describe("planStack", () => {
  it("plans a first deploy as creates under deterministic physical names, without touching the state", async () => {
    const w = fakeWorld();
    const s = fakeStore();
    const plan = await planStack(stack([target("web"), target("api")]), opts(w, s.store));
    expect(plan.changes.map((c) => [c.address, c.action, c.name])).toEqual([
      ["api.box", "create", "app-prod-api"],
      ["web.box", "create", "app-prod-web"],
    ]);
    expect(plan).toMatchObject({ stack: "app/prod", stateSerial: 0, createdAt: "2024-05-01T12:00:00.000Z" });
    expect(plan.diagnostics).toEqual([]);
    expect(s.ensured()).toBe(0);
    expect(() => parsePlan(JSON.parse(serializePlan(plan)), "plan")).not.toThrow();
  });

  it("gives the same plan byte for byte for the same inputs", async () => {
    const w = fakeWorld();
    const st = stack([target("web"), target("api")]);
    const one = serializePlan(await planStack(st, opts(w, fakeStore().store)));
    const two = serializePlan(
      await planStack({ ...st, targets: [...st.targets].reverse() }, opts(w, fakeStore().store)),
    );
    expect(two).toBe(one);
  });

  it("shows no change when the cloud matches, and drift apart from the change that undoes it", async () => {
    const w = fakeWorld();
    w.cloud.set("app-prod-web", box());
    const s = fakeStore(state({ web: rec("web", box()) }));
    const clean = await planStack(stack([target("web")]), opts(w, s.store));
    expect(clean.summary).toEqual({ create: 0, update: 0, replace: 0, delete: 0, noop: 1 });
    expect(clean.drift).toEqual([]);
    expect(renderHuman(clean, { color: false })).toContain(
      "No changes. Your infrastructure matches the configuration.",
    );

    w.cloud.set("app-prod-web", box({ memory: 2048 }));
    const drifted = await planStack(stack([target("web")]), opts(w, s.store));
    expect(drifted.drift).toEqual([
      { address: "web", target: "web", path: "memory", sensitive: false, recorded: 512, observed: 2048 },
    ]);
    expect(drifted.changes[0]).toMatchObject({
      action: "update",
      before: { memory: 2048 },
      after: { memory: 512 },
    });
  });

  it("plans offline from the recorded state without reading the cloud", async () => {
    const w = fakeWorld();
    w.cloud.set("app-prod-web", box({ memory: 2048 }));
    const s = fakeStore(state({ web: rec("web", box()) }));
    const plan = await planStack(stack([target("web")]), opts(w, s.store, { offline: true }));
    expect(w.calls.read).toBe(0);
    expect(plan.drift).toEqual([]);
    expect(plan.summary.noop).toBe(1);
  });

  it("turns a replace-forcing change into a replace naming the attribute", async () => {
    const w = fakeWorld();
    w.cloud.set("app-prod-web", box());
    const s = fakeStore(state({ web: rec("web", box()) }));
    const plan = await planStack(stack([target("web", "us")]), opts(w, s.store));
    expect(plan.changes[0]).toMatchObject({ action: "replace", replacePaths: ["region"] });
  });

  it("shows a changed secret as an update without its value anywhere", async () => {
    const w = fakeWorld();
    const oldHash = fingerprint(KEY, "value:old-value");
    w.cloud.set("app-prod-web", box({ secrets: { TOKEN: oldHash } }));
    const s = fakeStore(state({ web: rec("web", box({ secrets: { TOKEN: oldHash } })) }));
    const svc = service({ secrets: { TOKEN: "env:APP_TOKEN", MISSING: "env:NOT_SET_ANYWHERE" } });
    const plan = await planStack(
      stack([target("web")], svc),
      opts(w, s.store, { env: { APP_TOKEN: CANARY } }),
    );
    expect(plan.changes[0]).toMatchObject({
      action: "update",
      sensitivePaths: ["secrets.MISSING", "secrets.TOKEN"],
    });
    expect(plan.diagnostics.map((d) => d.code)).toEqual(["secret-unset"]);
    const outputs = [
      serializePlan(plan),
      renderHuman(plan, { color: false }),
      renderHuman(plan, { color: true }),
      renderMarkdown(plan),
    ];
    for (const out of outputs) expect(out).not.toContain(CANARY);
    expect(renderHuman(plan, { color: false })).toContain("secrets.TOKEN = (sensitive)");
  });

  it("creates the stack only to get a secret key when a first plan has secrets", async () => {
    const w = fakeWorld();
    const s = fakeStore();
    const plan = await planStack(
      stack([target("web")], service({ secrets: { T: "env:T" } })),
      opts(w, s.store, { env: { T: "x" } }),
    );
    expect(s.ensured()).toBe(1);
    expect(plan.changes[0]?.after).toMatchObject({ secrets: { T: fingerprint(KEY, "value:x") } });
  });

  it("keeps planning the other targets when one cannot be read, pointing at --offline", async () => {
    const w = fakeWorld();
    const plan = await planStack(
      stack([target("web"), target("vault", "locked")]),
      opts(w, fakeStore().store),
    );
    expect(plan.changes.map((c) => c.target)).toEqual(["web"]);
    expect(plan.diagnostics).toHaveLength(1);
    const d = plan.diagnostics[0];
    // The adapter's own code, so a script can tell missing credentials from a cloud error.
    expect(d).toMatchObject({ severity: "error", code: "CREDENTIALS", target: "vault" });
    expect(d?.message).toContain("tried FAKE_TOKEN");
    expect(d?.hint).toContain("--offline");
  });

  it("plans a descriptor-only platform from the manifest, reports an adapter that throws, and plans the rest", async () => {
    const w = fakeWorld();
    const targets = [target("web"), target("soon", "eu", "later"), target("bug", "boom")];
    const plan = await planStack(stack(targets), opts(w, fakeStore().store));
    expect(plan.changes.map((c) => [c.target, c.action])).toEqual([
      ["soon", "create"],
      ["web", "create"],
    ]);
    expect(plan.changes.find((c) => c.target === "soon")?.after).toMatchObject({ kind: "container" });
    const byTarget = Object.fromEntries(plan.diagnostics.map((d) => [d.target, d]));
    expect(byTarget.soon).toMatchObject({ severity: "warning", code: "platform-not-deployable" });
    expect(byTarget.soon?.message).toContain("deploy will refuse this target");
    expect(byTarget.soon?.hint).toContain("apiship providers");
    expect(byTarget.bug).toMatchObject({ code: "plan-failed" });
    expect(byTarget.bug?.message).toContain("adapter bug");
  });

  it("filters targets and refuses an unknown one, listing the known", async () => {
    const w = fakeWorld();
    const s = fakeStore(state({ old: rec("old", box()) }));
    const st = stack([target("web"), target("api")]);
    const plan = await planStack(st, opts(w, s.store, { targets: ["web"] }));
    expect(plan.changes.map((c) => c.target)).toEqual(["web"]);
    const removed = await planStack(st, opts(w, s.store, { targets: ["old"] }));
    expect(removed.changes.map((c) => [c.target, c.action])).toEqual([["old", "delete"]]);
    const err = await planStack(st, opts(w, s.store, { targets: ["nope"] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain('"nope"');
    expect((err as UsageError).hint).toContain("api, old, web");
  });

  it("refuses to plan a target whose platform changed under the same name", async () => {
    const w = fakeWorld();
    const s = fakeStore(state({ web: rec("web", box(), "fake/other") }));
    const plan = await planStack(stack([target("web")]), opts(w, s.store));
    expect(plan.changes).toEqual([]);
    expect(plan.diagnostics[0]).toMatchObject({ code: "platform-changed", target: "web" });
  });
});
