import { describe, it, expect } from "vitest";
import type { ResourceChange } from "../core/provider.js";
import type { StackState, TargetRecord } from "../state/store.js";
import type { AssembleInput, TargetPlan } from "./assemble.js";
import { RESOURCES_KEY, assemblePlan, splitRecordedState, withRecordedResources } from "./assemble.js";
import { parsePlan } from "./schema.js";

function rc(
  type: string,
  action: ResourceChange["action"],
  extra: Partial<ResourceChange> = {},
): ResourceChange {
  return {
    type,
    name: `app-prod-${type}`,
    action,
    before: action === "create" ? null : { size: 1 },
    after: action === "delete" ? null : { size: action === "no-op" ? 1 : 2 },
    sensitivePaths: [],
    replacePaths: [],
    dependsOn: [],
    ...extra,
  };
}

function record(target: string, state: Record<string, unknown>): TargetRecord {
  return {
    target,
    platform: "fake/box",
    name: `app-prod-${target}`,
    state,
    outputs: {},
    deployedAt: "2024-01-01T00:00:00.000Z",
  };
}

function stackState(targets: Record<string, TargetRecord>, serial = 4): StackState {
  return { stack: "app/prod", serial, secretKey: "a2V5", targets, updatedAt: "2024-01-01T00:00:00.000Z" };
}

function input(targets: TargetPlan[], extra: Partial<AssembleInput> = {}): AssembleInput {
  return {
    stack: "app/prod",
    tool: { name: "apiship", version: "0.1.0" },
    createdAt: "2024-05-01T12:00:00.000Z",
    manifest: { path: "apiship.yaml", sha256: "a".repeat(64) },
    state: undefined,
    stackTargets: targets.map((t) => t.target),
    targets,
    diagnostics: [],
    ...extra,
  };
}

type Attrs = Record<string, unknown> | undefined;
// Observed defaults to recorded (an offline plan); pass "gone" for a target deleted outside apiship.
const tp = (
  target: string,
  changes: ResourceChange[],
  recorded?: Attrs,
  observed: Attrs | "gone" = recorded,
): TargetPlan => ({
  target,
  platform: "fake/box",
  changes,
  recorded,
  observed: observed === "gone" ? undefined : observed,
});

describe("assemblePlan", () => {
  it("addresses changes as <target>.<type>, maps dependsOn to addresses and counts actions", () => {
    const plan = assemblePlan(
      input([
        tp("web", [
          rc("role", "create"),
          rc("function", "update", { dependsOn: ["role"] }),
          rc("alias", "no-op"),
        ]),
        tp("api", [rc("service", "replace", { replacePaths: ["size"] }), rc("old", "delete")]),
      ]),
    );
    expect(plan.changes.map((c) => [c.address, c.action])).toEqual([
      ["api.service", "replace"],
      ["api.old", "delete"],
      ["web.role", "create"],
      ["web.function", "update"],
      ["web.alias", "no-op"],
    ]);
    expect(plan.changes.find((c) => c.address === "web.function")?.dependsOn).toEqual(["web.role"]);
    expect(plan.summary).toEqual({ create: 1, update: 1, replace: 1, delete: 1, noop: 1 });
    expect(plan.stateSerial).toBe(0);
    expect(() => parsePlan(JSON.parse(JSON.stringify(plan)), "plan")).not.toThrow();
  });

  it("disambiguates two resources of one type by name", () => {
    const plan = assemblePlan(
      input([
        tp("web", [
          rc("policy", "create", { name: "p1" }),
          rc("policy", "create", { name: "p2" }),
          rc("role", "create", { dependsOn: ["policy"] }),
        ]),
      ]),
    );
    expect(plan.changes.map((c) => c.address)).toEqual(["web.policy.p1", "web.policy.p2", "web.role"]);
    expect(plan.changes[2]?.dependsOn).toEqual(["web.policy.p1", "web.policy.p2"]);
  });

  it("is byte-for-byte deterministic whatever the order of targets and object keys", () => {
    const a = tp("a", [
      rc("x", "update", { after: { z: 1, y: { b: 2, a: 1 } }, sensitivePaths: ["s2", "s1"] }),
    ]);
    const b = tp("b", [rc("y", "create")]);
    const aShuffled = tp("a", [
      rc("x", "update", { after: { y: { a: 1, b: 2 }, z: 1 }, sensitivePaths: ["s1", "s2"] }),
    ]);
    const one = JSON.stringify(assemblePlan(input([a, b])));
    const two = JSON.stringify(assemblePlan(input([b, aShuffled])));
    expect(two).toBe(one);
  });

  it("deletes every recorded resource of a target removed from the stack, dependents first", () => {
    const state = stackState({
      web: record("web", {}),
      gone: record("gone", {
        arn: "x",
        [RESOURCES_KEY]: [
          { type: "role", name: "r", dependsOn: [] },
          { type: "function", name: "f", dependsOn: ["role"] },
        ],
      }),
    });
    const plan = assemblePlan(input([tp("web", [rc("function", "no-op")], {})], { state }));
    const deletes = plan.changes.filter((c) => c.target === "gone");
    expect(deletes.map((c) => [c.address, c.action, c.name])).toEqual([
      ["gone.function", "delete", "f"],
      ["gone.role", "delete", "r"],
    ]);
    expect(deletes[1]?.dependsOn).toEqual(["gone.function"]);
    expect(plan.summary.delete).toBe(2);
    expect(plan.stateSerial).toBe(4);
  });

  it("deletes a removed target as a whole when its record lists no resources", () => {
    const plan = assemblePlan(input([], { state: stackState({ old: record("old", { id: 1 }) }) }));
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({
      address: "old.resources",
      action: "delete",
      name: "app-prod-old",
    });
  });

  it("leaves removed targets outside a --target filter alone", () => {
    const state = stackState({ old: record("old", {}), other: record("other", {}) });
    const plan = assemblePlan(input([], { state, only: ["old"] }));
    expect(plan.changes.map((c) => c.target)).toEqual(["old"]);
  });

  it("reports drift per attribute and masks secret paths", () => {
    const recorded = { memory: 512, secrets: { TOKEN: "hmac-sha256:aa" }, env: { A: "1" } };
    const observed = { memory: 1024, secrets: { TOKEN: "hmac-sha256:bb" }, env: { A: "1" } };
    const plan = assemblePlan(input([tp("web", [rc("function", "update")], recorded, observed)]));
    expect(plan.drift).toEqual([
      { address: "web", target: "web", path: "memory", sensitive: false, recorded: 512, observed: 1024 },
      {
        address: "web",
        target: "web",
        path: "secrets.TOKEN",
        sensitive: true,
        recorded: null,
        observed: null,
      },
    ]);
  });

  it("reports a target deleted outside apiship as whole-target drift", () => {
    const plan = assemblePlan(input([tp("web", [rc("function", "create")], { id: 1 }, "gone")]));
    expect(plan.drift).toEqual([
      { address: "web", target: "web", path: "", sensitive: false, recorded: true, observed: false },
    ]);
  });

  it("round-trips recorded resources through a target record", () => {
    const state = withRecordedResources({ arn: "x" }, [
      rc("role", "create"),
      rc("old", "delete"),
      rc("fn", "update", { dependsOn: ["role"] }),
    ]);
    const { adapterState, resources } = splitRecordedState(state);
    expect(adapterState).toEqual({ arn: "x" });
    expect(resources).toEqual([
      { type: "role", name: "app-prod-role", dependsOn: [] },
      { type: "fn", name: "app-prod-fn", dependsOn: ["role"] },
    ]);
  });
});
