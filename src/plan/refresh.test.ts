import { describe, it, expect } from "vitest";
import { z } from "zod";
import type { DeployableTarget } from "../core/provider.js";
import { defineProvider, defineTarget, isDeployable } from "../core/provider.js";
import { Registry } from "../core/registry.js";
import { ProviderError } from "../errors.js";
import type { Stack, TargetSpec } from "../manifest/types.js";
import type { RefreshTarget } from "./refresh.js";
import { refreshTargets, resolveAdapter } from "./refresh.js";

const descriptor = {
  provider: "fake",
  summary: "fake",
  kinds: ["container" as const],
  options: z.object({}),
  limits: {},
  capabilities: { nativeRollback: null, coldStart: "n/a", scalesToZero: false },
  naming: { resource: "thing", maxLength: 30, lowercase: true, extraChars: "-", startsWithLetter: true },
};

function adapter(read: (name: string) => Promise<object | undefined>, clients: () => unknown = () => ({})) {
  const t = defineTarget<Record<string, unknown>, object, unknown>({
    ...descriptor,
    id: "fake/thing",
    platform: "thing",
    createClients: clients,
    read: (_ctx, _prior, name) => read(name),
    plan: () => ({ changes: [] }),
    apply: async () => ({ state: {}, outputs: {} }),
    destroy: async () => undefined,
    status: async () => ({ health: "unknown" }),
  });
  if (!isDeployable(t)) throw new Error("fake adapter must be deployable");
  return t as DeployableTarget;
}

const registry = new Registry({
  fake: async () =>
    defineProvider({
      id: "fake",
      summary: "fake",
      targets: [adapter(async () => undefined), { ...descriptor, id: "fake/paper", platform: "paper" }],
    }),
});

const spec = (name: string, provider = "fake", platform = "thing"): TargetSpec => ({
  name,
  provider,
  platform,
  options: {},
});
const stack: Stack = {
  id: "a/b",
  app: "a",
  environment: "b",
  targets: [],
  service: {
    kind: "container",
    container: { image: "i", port: 1 },
    env: {},
    secrets: {},
    resources: { memory: 128 },
    scaling: { min: 0, max: 1 },
    health: { path: "/", status: 200, timeoutMs: 1, attempts: 1, intervalMs: 1 },
    access: "public",
    timeoutMs: 1,
  },
};
const signal = new AbortController().signal;

describe("resolveAdapter", () => {
  it("returns a deployable adapter", async () => {
    const r = await resolveAdapter(registry, spec("web"));
    expect(r.ok && r.adapter.id).toBe("fake/thing");
  });

  it("explains an unknown provider, an unknown platform and a descriptor-only platform", async () => {
    const provider = await resolveAdapter(registry, spec("x", "nope"));
    expect(!provider.ok && provider.diagnostic).toMatchObject({ code: "provider-unavailable", target: "x" });
    const platform = await resolveAdapter(registry, spec("y", "fake", "nope"));
    expect(!platform.ok && platform.diagnostic).toMatchObject({
      code: "unknown-platform",
      path: "targets.y",
    });
    const paper = await resolveAdapter(registry, spec("z", "fake", "paper"));
    expect(paper.ok && paper.warning).toMatchObject({ severity: "warning", code: "platform-not-deployable" });
    expect(paper.ok && paper.warning && paper.warning.message).toContain("planned from the manifest alone");
    expect(paper.ok && paper.adapter.id).toBe("fake/paper");
  });
});

describe("refreshTargets", () => {
  const rt = (name: string, a: DeployableTarget, recorded?: Record<string, unknown>): RefreshTarget => ({
    spec: spec(name),
    adapter: a,
    name: `phys-${name}`,
    recorded,
  });

  it("reads each target by its physical name, in order", async () => {
    const a = adapter(async (name) => ({ seen: name }));
    const out = await refreshTargets([rt("one", a), rt("two", a)], {
      stack,
      offline: false,
      env: {},
      signal,
    });
    expect(out).toEqual([
      { ok: true, target: "one", observed: { seen: "phys-one" } },
      { ok: true, target: "two", observed: { seen: "phys-two" } },
    ]);
  });

  it("takes the recorded state as observed offline, building no client", async () => {
    let built = 0;
    const a = adapter(
      async () => ({ live: true }),
      () => {
        built += 1;
        return {};
      },
    );
    const out = await refreshTargets([rt("one", a, { recorded: 1 })], {
      stack,
      offline: true,
      env: {},
      signal,
    });
    expect(out).toEqual([{ ok: true, target: "one", observed: { recorded: 1 } }]);
    expect(built).toBe(0);
  });

  it("turns a credentials error into one diagnostic per target, keeping the provider's hint and adding --offline", async () => {
    const locked = adapter(
      async () => undefined,
      () => {
        throw new ProviderError("no credentials: tried AWS_PROFILE, env", {
          code: "CREDENTIALS",
          hint: "run aws sso login",
        });
      },
    );
    const fine = adapter(async () => ({ ok: 1 }));
    const out = await refreshTargets([rt("one", locked), rt("two", fine)], {
      stack,
      offline: false,
      env: {},
      signal,
    });
    expect(out[1]).toEqual({ ok: true, target: "two", observed: { ok: 1 } });
    const failed = out[0];
    expect(failed?.ok).toBe(false);
    if (failed && !failed.ok) {
      expect(failed.diagnostic.message).toContain("has no credentials");
      expect(failed.diagnostic.message).toContain("tried AWS_PROFILE");
      expect(failed.diagnostic.hint).toMatch(/^run aws sso login; .*--offline/);
    }
  });

  it("retries a read that failed retryably and no client retried, and hands clients the run's policy", async () => {
    let reads = 0;
    const policies: unknown[] = [];
    const a = adapter(
      async () => {
        reads += 1;
        if (reads < 3)
          throw new ProviderError("GetFunction: We encountered an internal error", { retryable: true });
        return { live: true };
      },
      (...args: unknown[]) => {
        policies.push((args[0] as { retry?: unknown }).retry);
        return {};
      },
    );
    const retried: string[] = [];
    const [o] = await refreshTargets([rt("one", a)], {
      stack,
      offline: false,
      env: {},
      signal: new AbortController().signal,
      retry: { baseMs: 1, capMs: 2 },
      onRetry: (t, call, code) => retried.push(`${t} ${call} ${code}`),
    });
    expect(o).toMatchObject({ ok: true, observed: { live: true } });
    expect(retried).toEqual(["one read PROVIDER_ERROR", "one read PROVIDER_ERROR"]);
    expect(policies[0]).toMatchObject({ maxAttempts: 8, baseMs: 1, capMs: 2, maxWaitMs: 60_000 });
  });

  it("does not retry a read whose error a client already retried (its budget is spent)", async () => {
    let reads = 0;
    const a = adapter(async () => {
      reads += 1;
      throw new ProviderError("Rate exceeded", { retryable: true, code: "Throttling", spent: 5 });
    });
    const [o] = await refreshTargets([rt("one", a)], {
      stack,
      offline: false,
      env: {},
      signal: new AbortController().signal,
      retry: { baseMs: 1, capMs: 2 },
    });
    expect(reads).toBe(1);
    expect(o).toMatchObject({ ok: false, diagnostic: { code: "Throttling" } });
  });

  it("rethrows when the run was interrupted instead of reporting a diagnostic", async () => {
    const ac = new AbortController();
    const a = adapter(async () => {
      ac.abort();
      throw new Error("aborted");
    });
    await expect(
      refreshTargets([rt("one", a)], { stack, offline: false, env: {}, signal: ac.signal }),
    ).rejects.toThrow(/interrupted|aborted/);
  });
});

/** A function's source is what build() packages. */
const fnStack: Stack = {
  ...stack,
  service: {
    ...stack.service,
    kind: "function",
    function: { runtime: "nodejs20", handler: "index.handler", source: "." },
  },
};

describe("refreshTargets and artifacts", () => {
  const artifact = { path: "/tmp/a.zip", sha256: "ab".repeat(32), bytes: 3 };
  function building(builds: string[]) {
    const a = adapter(async () => ({ live: true }));
    a.build = async (ctx) => {
      builds.push(ctx.target.name);
      return artifact;
    };
    return a;
  }
  const target = (a: DeployableTarget): RefreshTarget => ({
    spec: spec("fn"),
    adapter: a,
    name: "phys-fn",
    recorded: { old: true },
  });

  it("builds the artifact online, so plan() can see a code-only change", async () => {
    const builds: string[] = [];
    const [o] = await refreshTargets([target(building(builds))], {
      stack: fnStack,
      offline: false,
      env: {},
      signal,
    });
    expect(builds).toEqual(["fn"]);
    expect(o).toMatchObject({ ok: true, observed: { live: true }, artifact });
  });

  it("builds nothing offline: the recorded state is all there is", async () => {
    const builds: string[] = [];
    const [o] = await refreshTargets([target(building(builds))], {
      stack: fnStack,
      offline: true,
      env: {},
      signal,
    });
    expect(builds).toEqual([]);
    expect(o).toEqual({ ok: true, target: "fn", observed: { old: true } });
  });
});

describe("refreshTargets on a platform that takes both kinds", () => {
  it("packages a function's source, and builds nothing for a container image", async () => {
    const builds: string[] = [];
    const a = adapter(async () => ({ live: true }));
    a.build = async (ctx) => {
      builds.push(ctx.target.name);
      return { path: "/tmp/a.tgz", sha256: "cd".repeat(32), bytes: 3 };
    };
    const t: RefreshTarget = { spec: spec("app"), adapter: a, name: "phys-app", recorded: undefined };
    const fn = await refreshTargets([t], { stack: fnStack, offline: false, env: {}, signal });
    expect(fn[0]).toMatchObject({ ok: true, artifact: { sha256: "cd".repeat(32) } });
    const [c] = await refreshTargets([t], { stack, offline: false, env: {}, signal });
    expect(c).toEqual({ ok: true, target: "app", observed: { live: true } });
    expect(builds).toEqual(["app"]);
  });
});
