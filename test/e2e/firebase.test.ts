// firebase/functions through the built CLI, against the GCP fake (Cloud Functions v2 + Run v2)
// and the Hosting fake, reached as a user reaches emulators: gcloud's endpoint override
// variables and a static GOOGLE_OAUTH_ACCESS_TOKEN, so no Application Default Credentials are
// looked up. The Hosting fake's "CDN" serves each site at <fake>/__hosting/<site>, routing the
// release's rewrite to the Run service in the GCP fake: the health check after each deploy
// travels the same path a request to https://<site>.web.app/api/healthz would.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { StatusCommandResult } from "../../src/cli/commands/status.js";
import { startFirebaseFake } from "../fakes/firebase/index.js";
import type { FirebaseFake } from "../fakes/firebase/index.js";
import { startGcpFake } from "../fakes/gcp/index.js";
import type { GcpFake } from "../fakes/gcp/index.js";
import { jsonStream } from "./deploy-helpers.js";
import type { RunResult } from "./helpers.js";
import { apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

const FN = "shop-dev-web";
const SERVICE = `projects/acme-web/locations/europe-west1/services/${FN}`;

function manifest(hosting = "{}"): string {
  return `apiVersion: apiship/v1
name: shop
service:
  function: { runtime: nodejs22, handler: index.handler, source: ./src, interface: native }
  env: { LOG_LEVEL: info }
  resources: { memory: 512 }
  health: { path: /healthz, timeout: 2s, attempts: 2, interval: 50ms }
  access: public
targets:
  web: { provider: firebase, project: acme-web, region: europe-west1, hosting: ${hosting} }
environments:
  dev: { targets: [web] }
`;
}

let gcp: GcpFake;
let fb: FirebaseFake;
let dir: string;
const env = () => ({
  CLOUDSDK_API_ENDPOINT_OVERRIDES_FIREBASEHOSTING: `${fb.url}/v1beta1/`,
  CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDFUNCTIONS: `${gcp.url}/`,
  CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${gcp.url}/`,
  GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.e2e-static-token",
  APISHIP_GCP_POLL_MS: "5",
  APISHIP_FIREBASE_RETRY_MS: "1",
});
const cli = (args: string[], cwd = dir): Promise<RunResult> => apiship(args, { cwd, env: env() });
const code = (v: string) =>
  writeFileSync(join(dir, "src", "index.js"), `exports.handler = (req, res) => res.send("${v}");\n`);
const hostingCalls = () => fb.requests.map((q) => `${q.method} ${q.path}`);
const gcpMutations = () => gcp.requests.filter((q) => q.method !== "GET").length;
const site = () => fb.world.sites.get(FN);

beforeAll(async () => {
  ensureBuilt();
  gcp = await startGcpFake();
  fb = await startFirebaseFake({ gcp });
  dir = tempDir("apiship-e2e-firebase-");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "package.json"), '{ "name": "web", "version": "1.0.0" }\n');
  code("v1");
  writeFileSync(join(dir, "apiship.yaml"), manifest());
}, 180_000);
afterAll(async () => {
  await fb?.close();
  await gcp?.close();
  cleanup();
});

describe.sequential("firebase/functions through the built CLI", () => {
  it("plan shows the function, the site and its release to create, and changes nothing", async () => {
    const r = await cli(["plan"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`web\\.hosting-site "${FN}" will be created`));
    expect(r.stdout).toMatch(new RegExp(`web\\.hosting-release "${FN}/release" will be created`));
    expect(fb.mutations()).toEqual([]);
    expect(gcp.requests.filter((q) => q.method !== "GET")).toEqual([]);
  });

  it("deploy creates the function, a site named after the target, and releases the rewrite; health passes through Hosting", async () => {
    const from = fb.requests.length;
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const { events, envelope: out } = jsonStream<DeployCommandResult>(r);
    expect(out.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["web", "deployed"],
    ]);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
    expect(gcp.world.services.has(SERVICE)).toBe(true);
    const version = String((fb.world.live(FN)?.version as { name: string }).name);
    expect(hostingCalls().slice(from)).toEqual([
      `GET /v1beta1/projects/acme-web/sites/${FN}`,
      `POST /v1beta1/projects/acme-web/sites`,
      `POST /v1beta1/sites/${FN}/versions`,
      `PATCH /v1beta1/${version}`,
      `POST /v1beta1/sites/${FN}/releases`,
    ]);
    expect(site()?.site.labels).toEqual({ "apiship-stack": "shop-dev", "apiship-target": "web" });
    expect((fb.world.live(FN)?.version as { config: unknown }).config).toEqual({
      rewrites: [{ glob: "/api/**", run: { serviceId: FN, region: "europe-west1" } }],
    });
  });

  it("status is ready, at the Hosting URL under the rewrite", async () => {
    const r = await cli(["status", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const t = envelope<StatusCommandResult>(r).result?.stacks[0]?.targets[0];
    expect([t?.target, t?.health, t?.endpoint]).toEqual(["web", "ready", `${fb.url}/__hosting/${FN}/api`]);
  });

  it("an unchanged redeploy makes no mutating call to either API", async () => {
    const [h, g] = [fb.mutations().length, gcpMutations()];
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No changes\./);
    expect([fb.mutations().length, gcpMutations()]).toEqual([h, g]);
  });

  it("a code change redeploys the function only; Hosting keeps its release", async () => {
    const [h, g] = [fb.mutations().length, gcpMutations()];
    code("v2");
    const r = await cli(["deploy", "--yes"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(gcpMutations()).toBeGreaterThan(g);
    expect(fb.mutations().length).toBe(h);
  });

  it("a failing health check re-releases the previous Hosting version (native rollback)", async () => {
    const good = String((fb.world.live(FN)?.version as { name: string }).name);
    fb.crash.add(FN);
    writeFileSync(join(dir, "apiship.yaml"), manifest("{ path: /v2/** }"));
    const r = await cli(["deploy", "--yes"]);
    fb.crash.delete(FN);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^ {2}web {2}rolled-back /m);
    const live = fb.world.live(FN);
    expect([live?.type, (live?.version as { name: string }).name]).toEqual(["ROLLBACK", good]);
    writeFileSync(join(dir, "apiship.yaml"), manifest());
  });

  it("a site id another project holds is refused with a hint to set hosting.site", async () => {
    fb.world.addSite("someone-else", "taken-site", "USER_SITE");
    const other = tempDir("apiship-e2e-firebase-taken-");
    const { cpSync } = await import("node:fs");
    cpSync(join(dir, "src"), join(other, "src"), { recursive: true });
    writeFileSync(
      join(other, "apiship.yaml"),
      manifest("{ site: taken-site }").replace("name: shop", "name: other"),
    );
    const r = await cli(["deploy", "--yes"], other);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/taken-site is taken by another project/);
    expect(r.stdout + r.stderr).toContain("hosting.site");
    expect(fb.world.sites.get("taken-site")?.project).toBe("someone-else");
  });

  it("destroy deletes the site and the function; a second destroy exits 0", async () => {
    const r = await cli(["destroy", "--confirm", "dev"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(site()).toBeUndefined();
    expect(gcp.world.services.has(SERVICE)).toBe(false);
    const again = await cli(["destroy", "--confirm", "dev"]);
    expect(again.code, again.stderr).toBe(0);
  });
});
