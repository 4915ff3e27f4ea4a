// The manifest code against the real platform descriptors of providers/ (not the test fakes).
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Registry } from "../core/registry.js";
import type { TargetAdapter } from "../core/provider.js";
import { targetPhysicalName } from "./names.js";
import { validateDocument } from "./validate.js";

const BUILTINS = resolve(dirname(fileURLToPath(import.meta.url)), "../../providers/index.ts");

async function registry(): Promise<Registry> {
  const { createBuiltinRegistry } = await import("../../providers/index.js");
  return createBuiltinRegistry();
}

/** The example of DESIGN.md §2, as the YAML loader hands it over. */
// Tests reach deep into plain JSON documents; typing every level would hide what is tested.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function designExample(): Record<string, any> {
  return {
    apiVersion: "apiship/v1",
    name: "sentiment-api",
    service: {
      container: { image: "ghcr.io/acme/sentiment-api:abc123", port: 8000 },
      env: { LOG_LEVEL: "info" },
      secrets: { HF_TOKEN: "env:HF_TOKEN", DB_URL: "aws-sm:prod/db-url" },
      resources: { cpu: 1, memory: 1024 },
      scaling: { min: 0, max: 10, concurrency: 80 },
      health: { path: "/healthz", timeout: "5s" },
      access: "public",
    },
    targets: {
      lambda: { provider: "aws", platform: "lambda", region: "us-east-1" },
      fargate: { provider: "aws", platform: "ecs-fargate", region: "us-east-1" },
      cloudrun: { provider: "gcp", platform: "cloud-run", project: "acme-ml", region: "europe-west1" },
      cluster: { provider: "kubernetes", context: "prod", namespace: "apis" },
    },
    environments: {
      staging: { targets: ["lambda"] },
      production: { targets: ["fargate", "cloudrun"], service: { scaling: { min: 2 } } },
    },
  };
}

describe.runIf(existsSync(BUILTINS))("with the built-in providers", () => {
  it("rejects the container-on-Lambda pairing of the design example, naming platforms that fit", async () => {
    const r = await validateDocument(designExample(), { file: "apiship.yaml", registry: await registry() });
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "kind-mismatch", path: "targets.lambda" });
    expect(errors[0]?.hint).toMatch(/aws\/ecs-fargate.*gcp\/cloud-run.*kubernetes\/kubernetes/);
  });

  it("validates it once staging runs on the cluster, with platform defaults applied", async () => {
    const doc = designExample();
    doc.environments.staging.targets = ["cluster"];
    delete doc.targets.lambda;
    const r = await validateDocument(doc, { file: "apiship.yaml", registry: await registry() });
    expect(r.diagnostics).toEqual([]);
    const production = r.manifest?.stacks.find((s) => s.environment === "production");
    expect(production?.targets.map((t) => `${t.provider}/${t.platform}`)).toEqual([
      "aws/ecs-fargate",
      "gcp/cloud-run",
    ]);
    expect(production?.targets[0]?.options.region).toBe("us-east-1");
    expect(r.manifest?.targets.cluster?.platform).toBe("kubernetes");
  });

  it("checks function runtimes against each platform's list", async () => {
    const doc = {
      apiVersion: "apiship/v1",
      name: "hello-fn",
      service: { function: { runtime: "nodejs18.x", handler: "index.handler" } },
      targets: {
        lambda: { provider: "aws", platform: "lambda", region: "us-east-1" },
        gcf: { provider: "gcp", platform: "cloud-functions", project: "acme-ml", region: "europe-west1" },
      },
    };
    const r = await validateDocument(doc, { file: "apiship.yaml", registry: await registry() });
    const runtime = r.diagnostics.filter((d) => d.code === "runtime-unsupported");
    expect(runtime.map((d) => d.path)).toEqual(["service.function.runtime", "service.function.runtime"]);
    expect(runtime[0]?.message).toContain("(did you mean nodejs22?)");
    doc.service.function.runtime = "python312";
    const ok = await validateDocument(doc, { file: "apiship.yaml", registry: await registry() });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.manifest?.stacks[0]?.service.function?.runtime).toBe("python3.12");
  });

  it("forms a valid physical name under every platform's naming rule", async () => {
    const platforms: TargetAdapter[] = (await (await registry()).all()).flatMap((m) =>
      Object.values(m.targets),
    );
    expect(platforms.length).toBeGreaterThan(5);
    const stack = { app: "Ünïcödé.API_" + "x".repeat(200), environment: "production" };
    for (const p of platforms) {
      const rule = p.naming;
      const name = targetPhysicalName(stack, { name: "eu-west" }, rule);
      expect(name.length, p.id).toBeLessThanOrEqual(rule.maxLength);
      if (rule.lowercase) expect(name, p.id).toBe(name.toLowerCase());
      if (rule.startsWithLetter) expect(name, p.id).toMatch(/^[a-zA-Z]/);
      expect(name.startsWith(rule.lowercase ? "unicode" : "Unicode"), p.id).toBe(true);
    }
  });
});
