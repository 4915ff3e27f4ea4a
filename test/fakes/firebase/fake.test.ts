// The Hosting fake behaves like the control plane: global site ids, the version lifecycle,
// populate + upload before finalize, release rules, rollback releases, throttling, and its CDN
// serving the live release's rewrites. Driven through apiship's own Hosting client.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createHostingClients } from "../../../providers/firebase/clients.js";
import type { HostingClients } from "../../../providers/firebase/clients.js";
import { startFirebaseFake } from "./index.js";
import type { FirebaseFake } from "./index.js";

let fake: FirebaseFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const target = (endpoint: string) => ({
  name: "api",
  provider: "firebase",
  platform: "functions",
  options: { endpoint },
});
const RUN = { rewrites: [{ glob: "/api/**", run: { serviceId: "shop-dev-api", region: "europe-west1" } }] };

async function setup(): Promise<{ f: FirebaseFake; h: HostingClients }> {
  fake = await startFirebaseFake();
  const h = await createHostingClients({ target: target(fake.url), env: { APISHIP_FIREBASE_RETRY_MS: "1" } });
  return { f: fake, h };
}

async function raw(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const r = await fetch(url, init);
  const t = await r.text();
  return { status: r.status, body: t.startsWith("{") ? (JSON.parse(t) as unknown) : t };
}

describe("firebase hosting fake", () => {
  it("site ids are global: another project's id is ALREADY_EXISTS and not visible to us", async () => {
    const { f, h } = await setup();
    f.world.addSite("someone-else", "taken-site", "USER_SITE");
    await expect(h.api.getSite("acme-web", "taken-site")).rejects.toMatchObject({ code: "NotFound" });
    await expect(h.api.createSite("acme-web", "taken-site", {})).rejects.toMatchObject({ code: "Conflict" });
    await expect(h.api.createSite("acme-web", "Bad_Id", {})).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    const site = await h.api.createSite("acme-web", "acme-api", { "apiship-stack": "shop-dev" });
    expect(site).toMatchObject({
      type: "USER_SITE",
      defaultUrl: `${f.url}/__hosting/acme-api`,
      labels: { "apiship-stack": "shop-dev" },
    });
    expect((await h.api.getSite("acme-web", "acme-web")).type).toBe("DEFAULT_SITE");
    await expect(h.api.deleteSite("acme-web", "acme-web")).rejects.toMatchObject({
      code: "FAILED_PRECONDITION",
    });
  });

  it("a version must be FINALIZED, once, before it is released; unknown fields are refused", async () => {
    const { h } = await setup();
    await h.api.createSite("acme-web", "acme-api", {});
    await expect(
      h.api.createVersion("acme-api", { rewrites: [{ glob: "/x", serviceId: "s" } as never] }, {}),
    ).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining('Unknown name "serviceId"'),
    });
    const v = await h.api.createVersion("acme-api", RUN, {});
    expect(v.status).toBe("CREATED");
    await expect(h.api.createRelease("acme-api", v.name, "m")).rejects.toMatchObject({
      code: "FAILED_PRECONDITION",
    });
    expect((await h.api.finalizeVersion(v.name)).status).toBe("FINALIZED");
    await expect(h.api.finalizeVersion(v.name)).rejects.toMatchObject({ code: "FAILED_PRECONDITION" });
    const r1 = await h.api.createRelease("acme-api", v.name, "m");
    const v2 = await h.api.createVersion(
      "acme-api",
      { rewrites: [{ glob: "/v2/**", run: { serviceId: "s" } }] },
      {},
    );
    await h.api.finalizeVersion(v2.name);
    await h.api.createRelease("acme-api", v2.name, "m");
    const back = await h.api.createRelease("acme-api", v.name, "rollback");
    expect([r1.type, back.type]).toEqual(["DEPLOY", "ROLLBACK"]);
    expect((await h.api.listReleases("acme-api", 1))[0]?.version?.name).toBe(v.name);
    await h.api.disableSite("acme-api");
    expect((await h.api.listReleases("acme-api", 10)).map((r) => r.type)).toEqual([
      "SITE_DISABLE",
      "ROLLBACK",
      "DEPLOY",
      "DEPLOY",
    ]);
  });

  it("populated files must be uploaded (by their sha256) before the version finalizes", async () => {
    const { f, h } = await setup();
    await h.api.createSite("acme-web", "acme-api", {});
    const v = await h.api.createVersion("acme-api", RUN, {});
    const bytes = Buffer.from("not found\n");
    const hash = createHash("sha256").update(bytes).digest("hex");
    const pop = await raw(`${f.url}/v1beta1/${v.name}:populateFiles`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ files: { "/404.html": hash } }),
    });
    expect(pop.body).toEqual({ uploadRequiredHashes: [hash], uploadUrl: `${f.url}/upload/${v.name}/files` });
    await expect(h.api.finalizeVersion(v.name)).rejects.toMatchObject({
      message: expect.stringContaining("not uploaded"),
    });
    expect(
      (await raw(`${f.url}/upload/${v.name}/files/${hash}`, { method: "POST", body: bytes })).status,
    ).toBe(200);
    expect((await h.api.finalizeVersion(v.name)).fileCount).toBe("1");
  });

  it("throttles with 429 RESOURCE_EXHAUSTED and Retry-After, which the client rides out", async () => {
    const { f, h } = await setup();
    let n = 0;
    f.knobs.throttleRate = 1;
    f.knobs.random = () => (n++ < 2 ? 0 : 1);
    expect((await h.api.getSite("acme-web", "acme-web")).type).toBe("DEFAULT_SITE");
    expect(n).toBe(3);
    const r = await raw(`${f.url}/v1beta1/projects/acme-web/sites/acme-web`, {});
    expect(r.status).toBe(200);
    f.knobs.random = () => 0;
    expect(await raw(`${f.url}/v1beta1/projects/acme-web/sites/acme-web`)).toMatchObject({
      status: 429,
      body: { error: { code: 429, status: "RESOURCE_EXHAUSTED" } },
    });
  });

  it("the CDN serves the live release: the rewrite's path to the service, the rest 404, a disabled site nothing", async () => {
    const { f, h } = await setup();
    await h.api.createSite("acme-web", "acme-api", {});
    const v = await h.api.createVersion("acme-api", RUN, {});
    await h.api.finalizeVersion(v.name);
    expect((await raw(`${f.url}/__hosting/acme-api/api/healthz`)).status).toBe(404);
    await h.api.createRelease("acme-api", v.name, "m");
    expect(await raw(`${f.url}/__hosting/acme-api/api/healthz`)).toEqual({
      status: 200,
      body: {
        ok: true,
        service: "projects/acme-web/locations/europe-west1/services/shop-dev-api",
        path: "/api/healthz",
      },
    });
    expect((await raw(`${f.url}/__hosting/acme-api/other`)).status).toBe(404);
    f.crash.add("shop-dev-api");
    expect((await raw(`${f.url}/__hosting/acme-api/api/x`)).status).toBe(500);
    await h.api.disableSite("acme-api");
    expect((await raw(`${f.url}/__hosting/acme-api/api/x`)).status).toBe(404);
  });
});
