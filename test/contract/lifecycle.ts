// The one lifecycle every platform passes against its fake (DESIGN.md §8):
// create → re-plan shows no change → update → replace → destroy → destroy again.
// Each platform's contract test supplies a fixture: its adapter, a Ctx factory wired to its
// fake, and the manifest edits that cause an update and a replace on that platform.

import { describe, expect, it } from "vitest";
import type { Ctx, DeployableTarget, ResourceChange } from "../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import { readAndPlan } from "../support/read-plan.js";

export interface LifecycleFixture<S extends object = object> {
  adapter: DeployableTarget<Record<string, unknown>, S, unknown>;
  /** Physical base name of the target. */
  name: string;
  stack: Stack;
  target: TargetSpec;
  /** A Ctx whose clients talk to the platform's fake. */
  ctx(target: TargetSpec): Promise<Ctx<unknown>> | Ctx<unknown>;
  secretHashes?: Record<string, string>;
  secrets?: Record<string, string>;
  /** A service edit the platform applies in place. */
  update(svc: ServiceSpec): ServiceSpec;
  /** A target edit that forces a replace on this platform, and the attribute that forces it. */
  replace: { target(t: TargetSpec): TargetSpec; forcedBy: string };
  /** Tear down the fake. */
  close(): Promise<void>;
}

interface Step<S> {
  changes: ResourceChange[];
  state: S | undefined;
}

async function planAndApply<S extends object>(
  f: LifecycleFixture<S>,
  service: ServiceSpec,
  target: TargetSpec,
  recorded: S | undefined,
  apply = true,
): Promise<Step<S>> {
  const ctx = await f.ctx(target);
  const planned = await readAndPlan(f.adapter, ctx, {
    stack: { ...f.stack, service },
    target,
    service,
    name: f.name,
    recorded,
    secretHashes: f.secretHashes ?? {},
  });
  const { changes } = planned;
  if (!apply || changes.every((c) => c.action === "no-op")) return { changes, state: planned.observed };
  // As the engine applies (src/apply/targets.ts): with the recorded state as `observed`, since a
  // saved plan keeps its changes, not the observation they came from.
  const result = await f.adapter.apply(ctx, { ...planned, observed: recorded, secrets: f.secrets ?? {} });
  return { changes, state: result.state };
}

const actions = (cs: ResourceChange[]) => cs.filter((c) => c.action !== "no-op").map((c) => c.action);

export function describeLifecycle<S extends object>(
  platform: string,
  setup: () => Promise<LifecycleFixture<S>>,
): void {
  describe(`contract lifecycle: ${platform}`, () => {
    it("create → no change → update → replace → destroy → destroy again", async () => {
      const f = await setup();
      try {
        const svc = f.stack.service;
        const created = await planAndApply(f, svc, f.target, undefined);
        expect(actions(created.changes)).not.toHaveLength(0);
        expect(actions(created.changes).every((a) => a === "create")).toBe(true);

        const again = await planAndApply(f, svc, f.target, created.state, false);
        expect(actions(again.changes)).toEqual([]);

        const updatedSvc = f.update(svc);
        const updated = await planAndApply(f, updatedSvc, f.target, again.state);
        expect(actions(updated.changes)).toContain("update");
        expect(actions(updated.changes)).not.toContain("replace");
        expect(actions((await planAndApply(f, updatedSvc, f.target, updated.state, false)).changes)).toEqual(
          [],
        );

        const moved = f.replace.target(f.target);
        const replaced = await planAndApply(f, updatedSvc, moved, updated.state);
        const rep = replaced.changes.filter((c) => c.action === "replace");
        expect(rep).not.toHaveLength(0);
        expect(rep.some((c) => c.replacePaths.some((p) => p.startsWith(f.replace.forcedBy)))).toBe(true);

        const ctx = await f.ctx(moved);
        if (!replaced.state) throw new Error("apply returned no state");
        await f.adapter.destroy(ctx, replaced.state);
        expect(await f.adapter.read(ctx, replaced.state, f.name)).toBeUndefined();
        await expect(f.adapter.destroy(ctx, replaced.state)).resolves.toBeUndefined();
      } finally {
        await f.close();
      }
    });
  });
}
