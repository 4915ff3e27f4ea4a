// gcp/cloud-run through the built CLI, against the GCP fake on 127.0.0.1 reached as a user
// reaches an emulator: CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN and a static GOOGLE_OAUTH_ACCESS_TOKEN,
// so no Application Default Credentials are looked up. The fake gives each new service a local
// health server's URL as its `uri`, so the health check after each deploy is answered by a
// server standing in for the container.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { LogsResult } from "../../src/cli/commands/logs.js";
import type { StatusCommandResult } from "../../src/cli/commands/status.js";
import { isMutating, startGcpFake } from "../fakes/gcp/index.js";
import type { GcpFake, Json } from "../fakes/gcp/index.js";
import { writeEntries } from "../fakes/gcp/logging.js";
import type { HealthServer } from "./deploy-helpers.js";
import { healthServer, jsonStream } from "./deploy-helpers.js";
import type { RunResult } from "./helpers.js";
import { apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

const SERVICE = "projects/acme-shop/locations/europe-west1/services/shop-dev-run";
const SECRET = "e2e-secret-value-42";

function manifest(image: string): string {
  return `apiVersion: apiship/v1
name: shop
service:
  container: { image: "${image}", port: 8080 }
  env: { LOG_LEVEL: info }
  secrets: { API_KEY: "env:SHOP_API_KEY", DB_URL: "gcp-sm:db-url@3" }
  resources: { cpu: 1, memory: 512 }
  scaling: { min: 0, max: 4, concurrency: 40 }
  health: { path: /healthz, timeout: 2s, attempts: 2, interval: 100ms }
  access: public
targets:
  run: { provider: gcp, platform: cloud-run, project: acme-shop, region: europe-west1 }
environments:
  dev: { targets: [run] }
`;
}

let health: HealthServer;
let fake: GcpFake;
let dir: string;
const cli = (args: string[]): Promise<RunResult> =>
  apiship(args, {
    cwd: dir,
    env: {
      CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${fake.url}/`,
      // gcloud's variable for Cloud Logging (apiship logs), as a user with an emulator sets it.
      CLOUDSDK_API_ENDPOINT_OVERRIDES_LOGGING: `${fake.url}/`,
      GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.e2e-static-token",
      APISHIP_GCP_POLL_MS: "5",
      SHOP_API_KEY: SECRET,
    },
  });
const write = (image: string) => writeFileSync(join(dir, "apiship.yaml"), manifest(image));
const svc = () => fake.world.services.get(SERVICE);
const container = () => ((svc()?.template as Json).containers as Json[])[0] as Json;
const mutating = () => fake.requests.filter(isMutating).length;
const traffic = () => svc()?.traffic as Json[];

beforeAll(async () => {
  ensureBuilt();
  health = await healthServer(200);
  fake = await startGcpFake({ knobs: { serviceUri: () => health.url.replace(/\/$/, "") } });
  dir = tempDir("apiship-e2e-gcp-");
  write("ghcr.io/acme/shop:1");
}, 180_000);
afterAll(async () => {
  await fake.close();
  await health.close();
  cleanup();
});

describe.sequential("gcp/cloud-run through the built CLI", () => {
  it("plan shows the service, its traffic and its invoker to create, and changes nothing", async () => {
    const r = await cli(["plan"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/run\.service "shop-dev-run" will be created/);
    expect(r.stdout).toMatch(/Plan: 3 to create, 0 to update/);
    expect(r.stdout).not.toContain(SECRET);
    expect(mutating()).toBe(0);
  });

  it("deploy creates the service with a named revision, grants allUsers, and health passes", async () => {
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { events, envelope: env } = jsonStream<DeployCommandResult>(r);
    expect(env.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["run", "deployed"],
    ]);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
    expect(health.hits).toBeGreaterThan(0);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const c = container();
    expect(c.image).toBe("ghcr.io/acme/shop:1");
    expect(c.env).toEqual(
      expect.arrayContaining([
        { name: "LOG_LEVEL", value: "info" },
        { name: "API_KEY", value: SECRET },
        { name: "DB_URL", valueSource: { secretKeyRef: { secret: "db-url", version: "3" } } },
      ]),
    );
    expect((svc()?.template as Json).maxInstanceRequestConcurrency).toBe(40);
    expect((svc()?.template as Json).revision).toMatch(/^shop-dev-run-00001-[a-z2-7]{3}$/);
    expect(fake.world.policies.get(SERVICE)?.bindings).toEqual([
      { role: "roles/run.invoker", members: ["allUsers"] },
    ]);
  });

  it("logs --json reads the service's entries from Cloud Logging, paged", async () => {
    const t0 = Date.now() - 60_000;
    fake.world.logPageLimit = 3;
    writeEntries(
      fake.world,
      Array.from({ length: 7 }, (_, i) => ({
        logName: "projects/acme-shop/logs/run.googleapis.com%2Fstdout",
        resource: {
          type: "cloud_run_revision",
          labels: {
            service_name: "shop-dev-run",
            location: "europe-west1",
            revision_name: "shop-dev-run-00001-abc",
          },
        },
        timestamp: new Date(t0 + i * 10).toISOString(),
        textPayload: `GET /healthz ${i}`,
      })),
    );
    const r = await cli(["logs", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const { events, envelope: env } = jsonStream<LogsResult>(r);
    const logs = events.filter((e) => e.type === "log");
    expect(logs.map((e) => e.message)).toEqual(Array.from({ length: 7 }, (_, i) => `GET /healthz ${i}`));
    expect(logs[0]).toEqual({
      type: "log",
      target: "run",
      time: new Date(t0).toISOString(),
      stream: "shop-dev-run-00001-abc",
      message: "GET /healthz 0",
    });
    expect(env.result).toEqual({ entries: 7, unavailable: [] });
    expect(fake.requests.filter((q) => q.path === "/v2/entries:list")).toHaveLength(3);
    const tail = jsonStream<LogsResult>(await cli(["logs", "--json", "--tail", "2", "--grep", "healthz"]));
    expect(tail.events.map((e) => e.message)).toEqual(["GET /healthz 5", "GET /healthz 6"]);
  });

  it("an unchanged redeploy makes no mutating call", async () => {
    const before = mutating();
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No changes\./);
    expect(mutating()).toBe(before);
  });

  it("a new image makes a second revision with all traffic on the latest", async () => {
    write("ghcr.io/acme/shop:2");
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(container().image).toBe("ghcr.io/acme/shop:2");
    expect([...fake.world.revisions.keys()].map((k) => k.split("/").pop())).toEqual([
      expect.stringMatching(/-00001-/),
      expect.stringMatching(/-00002-/),
    ]);
    expect(traffic()).toEqual([{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }]);
  });

  it("rollback sends 100% of traffic back to the first revision", async () => {
    const first = [...fake.world.revisions.keys()][0]?.split("/").pop();
    const r = await cli(["rollback", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(traffic()).toEqual([
      { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: first, percent: 100 },
    ]);
    const st = envelope<StatusCommandResult>(await cli(["status", "--json"]));
    const t = st.result?.stacks[0]?.targets[0];
    expect([t?.health, t?.release]).toEqual(["ready", first]);
  });

  it("a deploy whose health check fails is rolled back to the revision that served before", async () => {
    const first = [...fake.world.revisions.keys()][0]?.split("/").pop();
    health.status = 500;
    write("ghcr.io/acme/shop:3");
    const r = await cli(["deploy", "--yes", "--json"]);
    health.status = 200;
    expect(r.code).not.toBe(0);
    const { events } = jsonStream<DeployCommandResult>(r);
    expect(events.some((e) => e.type === "rollback" && e.phase === "start" && e.method === "native")).toBe(
      true,
    );
    expect([...fake.world.revisions.keys()]).toHaveLength(3);
    expect(container().image).toBe("ghcr.io/acme/shop:3");
    expect(traffic()).toEqual([
      { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: first, percent: 100 },
    ]);
  });

  it("destroy removes the service; a second destroy exits 0", async () => {
    const r = await cli(["destroy", "--confirm", "dev"]);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.world.services.size).toBe(0);
    const again = await cli(["destroy", "--confirm", "dev"]);
    expect(again.code, again.stderr).toBe(0);
  });
});
