import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { isDeployable } from "../../../src/core/provider.js";
import { ProviderError } from "../../../src/errors.js";
import {
  NAME,
  RAW_SECRET,
  actions,
  baseService,
  cleanupWorlds,
  deploy,
  mutations,
  planFor,
  t,
  world,
} from "./harness.js";
import { service } from "./service.js";

afterEach(cleanupWorlds);

describe("test/service lifecycle", () => {
  it("is deployable and loads as a plugin through the registry", async () => {
    expect(isDeployable(service)).toBe(true);
    const { Registry } = await import("../../../src/core/registry.js");
    const reg = new Registry({});
    await reg.addPlugins(["./index.ts"], fileURLToPath(new URL(".", import.meta.url)));
    expect(reg.ids()).toContain("test");
    expect((await reg.platform("test", undefined))?.id).toBe("test/service");
  });

  it("creates all four resources in dependency order, tagged with their owner", async () => {
    const w = world();
    const { planned, result } = await deploy(w);
    expect(planned.changes.map((c) => `${c.action} ${c.type}`)).toEqual([
      "create bucket",
      "create role",
      "create service",
      "create route",
    ]);
    expect(planned.changes.find((c) => c.type === "service")?.dependsOn).toEqual(["role", "bucket"]);
    expect(mutations(w)).toEqual(["create bucket", "create role", "create service", "create route"]);
    expect(w.steps).toEqual(
      ["create bucket", "create role", "create service", "create route"].flatMap((s) => [
        `step ${s}`,
        `done ${s}`,
      ]),
    );
    const data = w.cloud.read();
    expect(Object.keys(data.resources).sort()).toEqual([
      `${NAME}-bucket`,
      `${NAME}-role`,
      `${NAME}-route`,
      `${NAME}-service`,
    ]);
    for (const r of Object.values(data.resources))
      expect(r.tags).toEqual({ "apiship:stack": "shop/dev", "apiship:target": "web" });
    expect(result.release).toBe("1");
    expect(result.endpoint).toBe(data.resources[`${NAME}-route`]?.attributes.url);
    expect(result.state.resources.service?.attributes.memory).toBe(512);
  });

  it("re-plans to no-op after apply, and the endpoint option reaches the result", async () => {
    const w = world({ endpoint: "http://127.0.0.1:4555/" });
    const { result } = await deploy(w);
    expect(result.endpoint).toBe("http://127.0.0.1:4555/");
    const again = await planFor(w);
    expect(again.changes.map((c) => c.action)).toEqual(["no-op", "no-op", "no-op", "no-op"]);
  });

  it("updates only the service when memory changes, and bumps the release", async () => {
    const w = world();
    await deploy(w);
    const svc = { ...baseService, resources: { cpu: 0.5, memory: 1024 } };
    const { planned, result } = await deploy(w, svc);
    expect(actions(planned.changes)).toEqual({
      bucket: "no-op",
      role: "no-op",
      service: "update",
      route: "no-op",
    });
    expect(planned.changes.find((c) => c.type === "service")?.reason).toContain("memory");
    expect(mutations(w).slice(4)).toEqual(["update service"]);
    expect(result.release).toBe("2");
    expect(w.cloud.get(`${NAME}-service`)?.attributes.memory).toBe(1024);
  });

  it("replaces bucket and service when the region changes", async () => {
    const w = world();
    await deploy(w);
    const moved = world({ region: "local-2" }, w.cloudPath);
    const { planned } = await deploy(moved);
    const bucket = planned.changes.find((c) => c.type === "bucket");
    const svc = planned.changes.find((c) => c.type === "service");
    expect(bucket?.action).toBe("replace");
    expect(bucket?.replacePaths).toContain("region");
    expect(svc?.action).toBe("replace");
    expect(svc?.replacePaths).toEqual(["region"]);
    expect(mutations(w).slice(4)).toEqual(["replace bucket", "replace service"]);
    expect(w.cloud.get(`${NAME}-bucket`)?.attributes.region).toBe("local-2");
  });

  it("marks a changed secret fingerprint sensitive and never stores the raw value", async () => {
    const w = world();
    await deploy(w);
    const { planned } = await deploy(w, baseService, { API_KEY: "hmac-sha256:bbb" });
    const svc = planned.changes.find((c) => c.type === "service");
    expect(svc?.action).toBe("update");
    expect(svc?.sensitivePaths).toEqual(["secrets.API_KEY"]);
    expect(svc?.after?.secrets).toEqual({ API_KEY: "hmac-sha256:bbb" });
    expect(JSON.stringify(planned.changes)).not.toContain(RAW_SECRET);
    expect(readFileSync(w.cloudPath, "utf8")).not.toContain(RAW_SECRET);
    expect(readFileSync(w.cloudPath, "utf8")).toContain("hmac-sha256:bbb");
  });

  it("refuses to start a service whose local secret was not resolved", async () => {
    const w = world();
    const planned = await planFor(w);
    const err = await t.apply(w.ctx, { ...planned, secrets: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe("SECRET_UNRESOLVED");
    expect(w.cloud.read().calls).toEqual([]);
  });

  it("deletes the route when access becomes private", async () => {
    const w = world();
    await deploy(w);
    const { planned, result } = await deploy(w, { ...baseService, access: "private" });
    expect(actions(planned.changes)).toEqual({
      bucket: "no-op",
      role: "no-op",
      service: "update",
      route: "delete",
    });
    expect(mutations(w).slice(4)).toEqual(["delete route", "update service"]);
    expect(w.cloud.get(`${NAME}-route`)).toBeUndefined();
    expect(result.state.resources.route).toBeUndefined();
    expect((await t.status(w.ctx, result.state)).health).toBe("ready");
  });

  it("destroys everything in reverse order, and destroying again succeeds", async () => {
    const w = world();
    const { result } = await deploy(w);
    await t.destroy(w.ctx, result.state);
    expect(w.cloud.read().resources).toEqual({});
    expect(mutations(w).slice(4)).toEqual(["delete route", "delete service", "delete role", "delete bucket"]);
    await expect(t.destroy(w.ctx, result.state)).resolves.toBeUndefined();
    expect(
      w.cloud
        .read()
        .calls.slice(8)
        .every((c) => c.notFound === true),
    ).toBe(true);
    expect(await t.read(w.ctx, result.state, NAME)).toBeUndefined();
    expect((await t.status(w.ctx, result.state)).health).toBe("missing");
  });

  it("reports a service deleted behind apiship's back as down", async () => {
    const w = world();
    const { result } = await deploy(w);
    expect((await t.status(w.ctx, result.state)).release).toBe("1");
    w.cloud.remove("service", `${NAME}-service`, {});
    const report = await t.status(w.ctx, result.state);
    expect(report.health).toBe("down");
    expect(report.detail).toContain(`${NAME}-service`);
    expect((await planFor(w)).changes.find((c) => c.type === "service")?.action).toBe("create");
  });

  it("refuses a resource another stack owns under the same name", async () => {
    const w = world();
    w.cloud.put(
      "create",
      "bucket",
      `${NAME}-bucket`,
      { region: "local-1" },
      { "apiship:stack": "other/prod", "apiship:target": "web" },
    );
    const err = await t.read(w.ctx, undefined, NAME).catch((e: unknown) => e);
    expect((err as ProviderError).code).toBe("Conflict");
    expect((err as ProviderError).message).toContain("other/prod");
  });
});
