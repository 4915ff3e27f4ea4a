// service.traffic through the real loader: durations become milliseconds, an environment
// overrides single fields (null removes one), and no block means no traffic at all.

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createBuiltinRegistry } from "../../providers/index.js";
import { loadManifest } from "../../src/manifest/load.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const environ = { GIT_SHA: "0123abc", HOME: "/home/test" };

async function stacks(file: string) {
  const { manifest } = await loadManifest(join(root, file), { registry: createBuiltinRegistry(), environ });
  return Object.fromEntries(manifest.stacks.map((s) => [s.environment, s.service]));
}

describe("service.traffic", () => {
  it("is normalized to milliseconds and merged per environment", async () => {
    const s = await stacks("fixtures/manifests/valid/traffic.yaml");
    expect(s.staging?.traffic).toEqual({
      monthlyRequests: 20_000,
      meanDurationMs: 120,
      peakRps: 2,
      egressGb: 12.5,
      payloadKb: 4,
    });
    // production changes the duration and removes egressGb with null.
    expect(s.production?.traffic).toEqual({
      monthlyRequests: 3_000_000,
      meanDurationMs: 1500,
      peakRps: 25,
      payloadKb: 4,
    });
  });

  it("is absent when the manifest has no block: no made-up default", async () => {
    const s = await stacks("fixtures/manifests/valid/gcp-containers.yaml");
    for (const svc of Object.values(s)) expect(svc).not.toHaveProperty("traffic");
  });
});
