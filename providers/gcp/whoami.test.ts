// whoami() of the GCP platforms: against the fake with a static token and with an emulator's
// placeholder (one list read of one item, or the GKE cluster), a project the caller cannot see
// failing only the reach with PERMISSION_DENIED, and describeAdc over stand-ins of each kind of
// Application Default Credentials (it needs Google's token endpoint, which no fake here serves).
import { afterEach, describe, expect, it } from "vitest";
import type { TargetAdapter } from "../../src/core/provider.js";
import { ctxFor, targetOf } from "../../test/fakes/_shared/ctx.js";
import { startGcpFake } from "../../test/fakes/gcp/index.js";
import type { GcpFake } from "../../test/fakes/gcp/index.js";
import { describeAdc } from "./adc.js";
import type { GoogleAuth } from "./adc.js";
import { cloudFunctions } from "./cloud-functions.js";
import { cloudRun } from "./cloud-run.js";
import { gke } from "./gke.js";

let fake: GcpFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const ONCE = { maxAttempts: 1, baseMs: 1, capMs: 1, maxWaitMs: 1 };
const TOKEN = { GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.test" };

async function whoami(
  adapter: TargetAdapter,
  options: Record<string, unknown>,
  env: Record<string, string> = TOKEN,
) {
  const t = targetOf(adapter.id, { endpoint: fake?.url, ...options });
  const clients = await adapter.createClients!({ target: t, env, retry: ONCE });
  return adapter.whoami!(ctxFor(clients, t));
}

const run = cloudRun as unknown as TargetAdapter;
const fns = cloudFunctions as unknown as TargetAdapter;

describe("gcp whoami against the fake", () => {
  it("cloud-run: the static token, the project, and one page of services", async () => {
    fake = await startGcpFake();
    const id = await whoami(run, { project: "acme-shop", region: "europe-west1" });
    expect(id).toEqual({
      principal: "the access token in GOOGLE_OAUTH_ACCESS_TOKEN",
      account: "project acme-shop",
      detail: "its holder is not looked up",
      reach: { ok: true, detail: "Cloud Run answered in projects/acme-shop/locations/europe-west1" },
    });
    const sent = fake.requests.map((r) => `${r.method} ${r.path} ${r.query.get("pageSize") ?? ""}`);
    expect(sent).toEqual(["GET /v2/projects/acme-shop/locations/europe-west1/services 1"]);
  });

  it("cloud-functions on an emulator endpoint without a token: the placeholder, and a functions page", async () => {
    fake = await startGcpFake();
    const id = await whoami(fns, { project: "acme-shop", region: "us-central1" }, {});
    expect(id.principal).toBe("an emulator's placeholder token");
    expect(id.reach).toEqual({
      ok: true,
      detail: "Cloud Functions answered in projects/acme-shop/locations/us-central1",
    });
  });

  it("a project the credentials cannot see fails the reach with PERMISSION_DENIED", async () => {
    fake = await startGcpFake();
    fake.world.knownProjects = new Set(["acme-shop"]);
    const id = await whoami(run, { project: "acme-other", region: "europe-west1" });
    expect(id.principal).toBe("the access token in GOOGLE_OAUTH_ACCESS_TOKEN");
    expect(id.reach).toMatchObject({ ok: false, error: { code: "PERMISSION_DENIED" } });
  });

  it("gke: the cluster's status and version, or CLUSTER_NOT_FOUND", async () => {
    fake = await startGcpFake();
    const g = gke as unknown as TargetAdapter;
    const options = { project: "acme-shop", location: "europe-west1", cluster: "apis" };
    const missing = await whoami(g, options);
    expect(missing.reach).toMatchObject({ ok: false, error: { code: "CLUSTER_NOT_FOUND" } });
    fake.world.addCluster({
      project: "acme-shop",
      location: "europe-west1",
      name: "apis",
      endpoint: "http://127.0.0.1:9",
      caCertificate: "",
    });
    const id = await whoami(g, options);
    expect(id.reach).toEqual({
      ok: true,
      detail: "GKE cluster apis is RUNNING, Kubernetes 1.30.5-gke.1014001",
    });
  });
});

function auth(json: object | null, email?: string, token: () => Promise<string | null> = async () => "tok") {
  return {
    jsonContent: json,
    getAccessToken: token,
    getCredentials: async () => (email ? { client_email: email } : {}),
  } as unknown as GoogleAuth;
}

describe("describeAdc", () => {
  it("a service account key: its email and the file it came from", async () => {
    const a = auth(
      { type: "service_account", client_email: "deploy@p.iam.gserviceaccount.com" },
      "deploy@p.iam.gserviceaccount.com",
    );
    expect(await describeAdc(a, "api", { GOOGLE_APPLICATION_CREDENTIALS: "/k.json" })).toEqual({
      principal: "deploy@p.iam.gserviceaccount.com",
      detail: "a service account key, from GOOGLE_APPLICATION_CREDENTIALS (/k.json)",
    });
  });

  it("a gcloud user login: the kind, since the file holds no email", async () => {
    expect(await describeAdc(auth({ type: "authorized_user" }), "api", {})).toEqual({
      principal: "a gcloud user login (its email is not in the credentials file)",
      detail: "from gcloud's application-default credentials file",
    });
  });

  it("the metadata server: its account's email", async () => {
    expect(await describeAdc(auth(null, "123-compute@developer.gserviceaccount.com"), "api", {})).toEqual({
      principal: "123-compute@developer.gserviceaccount.com",
      detail: "an attached service account, from the metadata server",
    });
  });

  it("credentials that give no token fail as CREDENTIALS", async () => {
    const revoked = auth({ type: "authorized_user" }, undefined, () =>
      Promise.reject(new Error("invalid_grant")),
    );
    await expect(describeAdc(revoked, "api", {})).rejects.toMatchObject({ code: "CREDENTIALS" });
  });
});
