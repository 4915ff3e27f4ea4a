// digitalocean/functions against a scripted HTTP layer: every request asserted (the DigitalOcean
// API and the namespace's API host), the answers from the official examples.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { PlannedChange } from "../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import { ctxOf, example, scripted } from "../../test/fakes/digitalocean/http-stub.js";
import type { Sent } from "../../test/fakes/digitalocean/http-stub.js";
import { validateRequest } from "../../test/fakes/digitalocean/validate.js";
import type { Artifact } from "../../src/core/provider.js";
import type { FnOptions, FnState } from "./fn-plan.js";
import { functions, runtimeId } from "./functions.js";
import type { NamespaceInfo, WhiskAction } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "apiship-dofn-unit-"));
writeFileSync(join(dir, "index.js"), "exports.main = () => ({ body: 'ok' });\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const service: ServiceSpec = {
  kind: "function",
  function: { runtime: "nodejs18", handler: "index.main", source: dir, interface: "native" },
  env: { LOG_LEVEL: "info" },
  secrets: { API_KEY: "env:API_KEY" },
  resources: { memory: 256 },
  scaling: { min: 0, max: 10 },
  health: { path: "/", status: 200, timeoutMs: 2000, attempts: 3, intervalMs: 100 },
  access: "public",
  timeoutMs: 30_000,
};
const options = functions.options.parse({ region: "nyc1", namespace: "my namespace" }) as FnOptions;
const target = { name: "api", provider: "digitalocean", platform: "functions", options } as TargetSpec & {
  options: FnOptions;
};
const stack: Stack = {
  id: "shop/dev",
  app: "shop",
  environment: "dev",
  service,
  targets: [target],
  baseDir: dir,
};
const NAME = "shop-dev-api";
const ns = () => example<{ namespace: NamespaceInfo }>("namespace.json").namespace;
const HOST = `https://api_host.io/api/v1/namespaces/${ns().namespace}/actions`;
const echoAction = (sent: Sent[]) => ({ ...(sent[sent.length - 2]?.body as WhiskAction), version: "0.0.1" });

function planned(observed: FnState | undefined, artifact?: Artifact): PlannedChange<FnOptions, FnState> {
  const req = {
    stack,
    target,
    service,
    name: NAME,
    recorded: observed,
    observed,
    secretHashes: { API_KEY: "hmac:1" },
    ...(artifact ? { artifact } : {}),
  };
  return { ...req, changes: functions.plan!(req).changes, secrets: { API_KEY: "s3cret" } };
}

describe("digitalocean/functions", () => {
  it("maps neutral runtimes to DigitalOcean's kind:version", () => {
    expect(runtimeId("nodejs18")).toBe("nodejs:18");
    expect(runtimeId("python3.11")).toBe("python:3.11");
    expect(() => runtimeId("nodejs12")).toThrow();
  });

  it("creates the namespace and PUTs the web action on the namespace's API host", async () => {
    const s = scripted([
      { method: "GET", path: "/v2/functions/namespaces", body: { namespaces: [] } },
      { method: "POST", path: "/v2/functions/namespaces", body: example("namespace.json") },
      {
        method: "PUT",
        path: `${HOST}/${NAME}`,
        body: (sent: Sent[]) => ({ ...(sent[sent.length - 1]?.body as WhiskAction), version: "0.0.1" }),
      },
      { method: "GET", path: `${HOST}/${NAME}`, body: echoAction },
    ]);
    const ctx = ctxOf(s.clients, stack, target);
    expect(await functions.read!(ctx, undefined, NAME)).toBeUndefined();
    const zip = await functions.build!(ctx, service);
    const change = planned(undefined, zip);
    expect(change.changes.map((c) => `${c.type}:${c.action}`)).toEqual(["namespace:create", "action:create"]);
    const r = await functions.apply!(ctx, change);
    expect(s.left()).toBe(0);
    expect(s.sent[1]?.body).toEqual({ region: "nyc1", label: "my namespace" });
    expect(validateRequest("POST", "/v2/functions/namespaces", s.sent[1]?.body).errors).toEqual([]);
    const put = s.sent[2]!;
    expect(put.url.searchParams.get("overwrite")).toBe("true");
    expect(put.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ns().uuid}:${ns().key}`).toString("base64")}`,
    );
    const body = put.body as WhiskAction;
    expect(body.exec).toMatchObject({ kind: "nodejs:18", binary: true, main: "main" });
    expect(
      Buffer.from(body.exec.code ?? "", "base64")
        .subarray(0, 2)
        .toString(),
    ).toBe("PK");
    expect(body.annotations).toContainEqual({ key: "web-export", value: true });
    expect(body.parameters).toEqual([
      { key: "LOG_LEVEL", value: "info", init: true },
      { key: "API_KEY", value: "s3cret", init: true },
    ]);
    expect(body.limits).toEqual({ memory: 256, timeout: 30_000 });
    expect(r.endpoint).toBe(`https://api_host.io/api/v1/web/${ns().namespace}/default/${NAME}`);
    expect(r.state.action?.codeSha256).toBe(zip.sha256);
    expect(JSON.stringify(r.state)).not.toContain("s3cret");
    expect(JSON.stringify(r.state)).not.toContain(ns().key);
    // Re-planned with the same build: nothing to do.
    expect(planned(r.state, zip).changes.every((c) => c.action === "no-op")).toBe(true);
  });

  it("keeps the running package before an update and redeploys it on rollback", async () => {
    const observed: FnState = {
      name: NAME,
      namespace: {
        id: ns().uuid,
        namespace: ns().namespace,
        apiHost: ns().api_host,
        label: "my namespace",
        region: "nyc1",
        created: true,
      },
      action: {
        runtime: "nodejs:18",
        main: "main",
        memory: 256,
        timeoutMs: 30_000,
        codeSha256: "old",
        web: true,
        env: { LOG_LEVEL: "info" },
        secrets: { API_KEY: "hmac:1" },
      },
    };
    const running: WhiskAction = {
      exec: { kind: "nodejs:18", code: "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==", binary: true, main: "main" },
      annotations: [
        { key: "web-export", value: true },
        { key: "apiship-code-sha256", value: "old" },
        { key: "apiship-secrets", value: '{"API_KEY":"hmac:1"}' },
      ],
      parameters: [
        { key: "LOG_LEVEL", value: "info", init: true },
        { key: "API_KEY", value: "old-secret", init: true },
      ],
    };
    const s = scripted([
      { method: "GET", path: `/v2/functions/namespaces/${ns().namespace}`, body: example("namespace.json") },
      { method: "GET", path: `${HOST}/${NAME}`, body: running },
      { method: "PUT", path: `${HOST}/${NAME}--previous`, body: {} },
      { method: "PUT", path: `${HOST}/${NAME}`, body: {} },
      {
        method: "GET",
        path: `${HOST}/${NAME}`,
        body: (sent: Sent[]) => ({ ...(sent[3]?.body as WhiskAction), version: "0.0.2" }),
      },
    ]);
    const ctx = ctxOf(s.clients, stack, target);
    const change = planned(observed, await functions.build!(ctx, service));
    expect(change.changes.map((c) => `${c.type}:${c.action}`)).toEqual(["namespace:no-op", "action:update"]);
    const r = await functions.apply!(ctx, change);
    const kept = s.sent[2]?.body as WhiskAction;
    expect(kept.annotations).toContainEqual({ key: "web-export", value: false });
    expect(kept.parameters).toEqual(running.parameters);
    expect(r.state.previousCodeSha256).toBe("old");

    const back = scripted([
      { method: "GET", path: `/v2/functions/namespaces/${ns().namespace}`, body: example("namespace.json") },
      { method: "GET", path: `${HOST}/${NAME}`, body: { ...(s.sent[3]?.body as WhiskAction) } },
      { method: "GET", path: `${HOST}/${NAME}--previous`, body: kept },
      { method: "GET", path: `${HOST}/${NAME}`, body: { ...(s.sent[3]?.body as WhiskAction) } },
      { method: "PUT", path: `${HOST}/${NAME}--previous`, body: {} },
      { method: "PUT", path: `${HOST}/${NAME}`, body: {} },
      {
        method: "GET",
        path: `${HOST}/${NAME}`,
        body: (sent: Sent[]) => ({ ...(sent[5]?.body as WhiskAction), version: "0.0.3" }),
      },
    ]);
    const rb = await functions.rollback!(ctxOf(back.clients, stack, target), r.state, observed);
    expect(back.left()).toBe(0);
    const restored = back.sent[5]?.body as WhiskAction;
    expect(restored.exec.code).toBe(running.exec.code);
    expect(restored.annotations).toContainEqual({ key: "web-export", value: true });
    expect(rb.state.action?.codeSha256).toBe("old");
  });
});
