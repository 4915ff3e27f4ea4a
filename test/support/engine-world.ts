// Shared fixtures of the engine's tests (not shipped behaviour): a temp world with the test
// provider's cloud file, a stack of N test targets, a plan of it, and a local HTTP server for
// health checks on 127.0.0.1.

import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "../../src/core/registry.js";
import type { ServiceSpec, Stack } from "../../src/manifest/types.js";
import { planStack } from "../../src/plan/planner.js";
import type { Plan } from "../../src/plan/types.js";
import type { StateStore } from "../../src/state/store.js";
import testProvider from "./test-provider/index.js";

export const CANARY = "canary-secret-7d1e94b2";

export interface World {
  dir: string;
  cloudPath: string;
  env: Record<string, string | undefined>;
  registry: Registry;
  cleanup(): void;
}

export function makeWorld(): World {
  const dir = mkdtempSync(join(tmpdir(), "apiship-apply-"));
  const cloudPath = join(dir, "cloud.json");
  return {
    dir,
    cloudPath,
    env: { APISHIP_TEST_CLOUD: cloudPath, API_KEY: CANARY },
    registry: new Registry({ test: async () => testProvider }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function service(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    kind: "container",
    container: { image: "ghcr.io/acme/shop:1", port: 8080 },
    env: { LOG_LEVEL: "info" },
    secrets: { API_KEY: "env:API_KEY" },
    resources: { cpu: 0.5, memory: 512 },
    scaling: { min: 0, max: 3 },
    health: { path: "/healthz", status: 200, timeoutMs: 1000, attempts: 2, intervalMs: 1 },
    access: "public",
    timeoutMs: 30_000,
    ...overrides,
  };
}

export function stackOf(
  n: number,
  options: (i: number) => Record<string, unknown> = () => ({}),
  svc = service(),
): Stack {
  const targets = Array.from({ length: n }, (_, i) => ({
    name: `t${String(i).padStart(2, "0")}`,
    provider: "test",
    platform: "service",
    options: { region: "local-1", ...options(i) },
  }));
  return { id: "shop/dev", app: "shop", environment: "dev", service: svc, targets };
}

export const SHA = "a".repeat(64);

export function planOf(w: World, stack: Stack, store: StateStore): Promise<Plan> {
  return planStack(stack, {
    registry: w.registry,
    store,
    offline: false,
    env: w.env,
    manifest: { path: join(w.dir, "apiship.yaml"), sha256: SHA },
    toolVersion: "0.0.0-test",
  });
}

interface CloudJson {
  resources: Record<string, { attributes: Record<string, unknown>; tags: Record<string, string> }>;
  calls: { op: string; type: string; name: string }[];
}

export function cloud(w: World): CloudJson {
  if (!existsSync(w.cloudPath)) return { resources: {}, calls: [] };
  return JSON.parse(readFileSync(w.cloudPath, "utf8")) as CloudJson;
}

/** Physical base names of the targets the cloud holds a service for. */
export function cloudTargets(w: World): string[] {
  return Object.values(cloud(w).resources)
    .map((r) => r.tags["apiship:target"] ?? "")
    .filter((t, i, all) => all.indexOf(t) === i)
    .sort();
}

export interface HealthServer {
  url: string;
  status: number;
  hits: number;
  close(): Promise<void>;
}

export async function healthServer(status = 200): Promise<HealthServer> {
  const state = { status, hits: 0 };
  const server: Server = createServer((_req, res) => {
    state.hits += 1;
    res.writeHead(state.status, { "content-type": "text/plain" });
    res.end(state.status === 200 ? "ok" : `boom ${"x".repeat(300)}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    get status() {
      return state.status;
    },
    set status(s: number) {
      state.status = s;
    },
    get hits() {
      return state.hits;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const FAST_RETRY = { baseMs: 1, capMs: 4, maxAttempts: 12, timeoutMs: 5000 };
