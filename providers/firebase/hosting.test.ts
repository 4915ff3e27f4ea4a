// The Hosting half against a scripted fetch: every request apiship sends is asserted (method,
// path, query, body) and every body is checked against the discovery document's schema; the
// responses are the discovery-shaped fixtures in fixtures/responses/firebase.
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import { validate } from "../../test/fakes/firebase/discovery.js";
import { ctxOf, fixture, hostingClients, scriptedFetch } from "../../test/fakes/firebase/unit-kit.js";
import type { Canned, Sent } from "../../test/fakes/firebase/unit-kit.js";
import { desiredConfig, planHosting } from "./hosting-plan.js";
import type { HostingState } from "./hosting-plan.js";
import { applyHosting, destroyHosting, readHosting, rereleaseVersion } from "./hosting.js";

const SITE = "shop-dev-api";
const VERSION = "sites/shop-dev-api/versions/0a1b2c3d4e5f6071";
const ref = { project: "acme-web", site: SITE, explicit: false };
const input = { project: "acme-web", region: "europe-west1", path: "/api/**", functionName: SITE };
const config = desiredConfig(input);
const LABELS = { "apiship-stack": "shop-dev", "apiship-target": "api" };
const notFound: Canned = { status: 404, body: fixture("error-not-found") };

function setup(responses: Canned[]) {
  const s = scriptedFetch(responses);
  return { ...s, h: { hosting: hostingClients(s.fetch), ctx: ctxOf({}) } };
}

/** The schema each method's request body must match (discovery `request.$ref`). */
function bodyOk(q: Sent): void {
  const schema = q.url.includes(":populateFiles")
    ? "PopulateVersionFilesRequest"
    : q.url.includes("/releases")
      ? "Release"
      : q.url.includes("/versions")
        ? "Version"
        : "Site";
  if (q.body !== undefined) expect(validate(schema, q.body), `${q.method} ${q.url}`).toEqual([]);
  expect(q.auth).toBe("Bearer test-token");
}

const live: HostingState = {
  project: "acme-web",
  site: SITE,
  created: true,
  url: "https://shop-dev-api.web.app",
  release: { name: "sites/shop-dev-api/releases/1764684002000000", version: VERSION, type: "DEPLOY", config },
};

describe("firebase hosting: read", () => {
  it("a missing site reads as undefined after one GET", async () => {
    const { h, sent } = setup([notFound]);
    expect(await readHosting(h, ref)).toBeUndefined();
    expect(sent.map((q) => `${q.method} ${q.url}`)).toEqual([`GET /v1beta1/projects/acme-web/sites/${SITE}`]);
  });

  it("reads the site and its newest release: the rewrites it serves, owned by its labels", async () => {
    const { h, sent } = setup([{ body: fixture("site") }, { body: { releases: [fixture("release")] } }]);
    expect(await readHosting(h, ref)).toEqual(live);
    expect(sent.map((q) => `${q.method} ${q.url}`)).toEqual([
      `GET /v1beta1/projects/acme-web/sites/${SITE}`,
      `GET /v1beta1/sites/${SITE}/releases?pageSize=1`,
    ]);
  });

  it("a disabled site has no live release", async () => {
    const disabled = { name: "sites/shop-dev-api/releases/2", type: "SITE_DISABLE" };
    const { h } = setup([{ body: fixture("site") }, { body: { releases: [disabled] } }]);
    expect((await readHosting(h, ref))?.release).toBeUndefined();
  });

  it("refuses a site of another stack, and one it did not create unless hosting.site names it", async () => {
    const other = {
      ...fixture("site"),
      labels: { "apiship-stack": "billing-prod", "apiship-target": "api" },
    };
    const a = setup([{ body: other }]);
    await expect(readHosting(a.h, ref)).rejects.toMatchObject({
      code: "Conflict",
      message: expect.stringContaining("billing-prod"),
    });
    const bare = { ...fixture("site"), labels: {} };
    const b = setup([{ body: bare }]);
    await expect(readHosting(b.h, ref)).rejects.toMatchObject({
      hint: expect.stringContaining(`hosting.site: ${SITE}`),
    });
    const c = setup([{ body: bare }, { body: {} }]);
    const adopted = await readHosting(c.h, { ...ref, explicit: true });
    expect(adopted).toMatchObject({ created: false });
    expect(adopted?.release).toBeUndefined();
  });
});

describe("firebase hosting: apply", () => {
  const changes = (observed?: HostingState) => {
    const [site, release] = planHosting(input, observed, ["function"]);
    return { site: site!, release: release! };
  };

  it("a first deploy creates the site, a version with the rewrite, finalizes and releases it", async () => {
    const { h, sent, left } = setup([
      { body: fixture("site") },
      { body: fixture("version-created") },
      { body: fixture("version-finalized") },
      { body: fixture("release") },
    ]);
    const events: string[] = [];
    h.ctx.progress = { step: (n) => events.push(`step ${n}`), done: (n) => events.push(`done ${n}`) };
    const s = await applyHosting(h, ref, changes(), undefined, config);
    expect(left()).toBe(0);
    // Each mutating call is announced before it is sent and marked done only after it succeeded.
    expect(events).toEqual([
      `step create Hosting site ${SITE}`,
      `done create Hosting site ${SITE}`,
      `step create Hosting version of ${SITE}`,
      `done create Hosting version of ${SITE}`,
      `step finalize ${VERSION}`,
      `done finalize ${VERSION}`,
      `step release ${VERSION}`,
      `done release ${VERSION}`,
    ]);
    sent.forEach(bodyOk);
    expect(sent.map((q) => [q.method, q.url, q.body])).toEqual([
      ["POST", `/v1beta1/projects/acme-web/sites?siteId=${SITE}`, { labels: LABELS }],
      [
        "POST",
        `/v1beta1/sites/${SITE}/versions`,
        {
          config: { rewrites: [{ glob: "/api/**", run: { serviceId: SITE, region: "europe-west1" } }] },
          labels: LABELS,
        },
      ],
      ["PATCH", `/v1beta1/${VERSION}?updateMask=status`, { status: "FINALIZED" }],
      [
        "POST",
        `/v1beta1/sites/${SITE}/releases?versionName=${VERSION}`,
        { message: "apiship deploy of shop/dev" },
      ],
    ]);
    expect(s).toEqual(live);
  });

  it("an unchanged site and config make no call at all", async () => {
    const { h, sent } = setup([]);
    const c = changes(live);
    expect([c.site.action, c.release.action]).toEqual(["no-op", "no-op"]);
    expect(await applyHosting(h, ref, c, live, config)).toEqual(live);
    expect(sent).toEqual([]);
  });

  it("a site id another project holds is a conflict whose hint is hosting.site", async () => {
    const { h, sent } = setup([{ status: 409, body: fixture("error-already-exists") }, notFound]);
    const err = await applyHosting(h, ref, changes(), undefined, config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({
      code: "Conflict",
      fault: "user",
      hint: expect.stringContaining("`hosting.site`"),
    });
    expect(sent.map((q) => q.method)).toEqual(["POST", "GET"]);
  });

  it("a 409 for a site it created itself (a lost response) is adopted", async () => {
    const { h, sent } = setup([
      { status: 409, body: fixture("error-already-exists") },
      { body: fixture("site") },
      { body: {} },
      { body: fixture("version-created") },
      { body: fixture("version-finalized") },
      { body: fixture("release") },
    ]);
    expect(await applyHosting(h, ref, changes(), undefined, config)).toEqual(live);
    expect(sent).toHaveLength(6);
  });

  it("a throttled call (429 RESOURCE_EXHAUSTED, Retry-After) is retried", async () => {
    const throttled: Canned = {
      status: 429,
      body: fixture("error-resource-exhausted"),
      headers: { "retry-after": "0" },
    };
    const { h, sent } = setup([
      { body: fixture("site") },
      throttled,
      { body: fixture("version-created") },
      { body: fixture("version-finalized") },
      { body: fixture("release") },
    ]);
    await applyHosting(h, ref, changes(), undefined, config);
    expect(sent.map((q) => q.url)[1]).toBe(sent.map((q) => q.url)[2]);
  });

  it("a rollback re-releases the previous version: one POST", async () => {
    const { h, sent } = setup([
      { body: { ...fixture("release"), name: "sites/shop-dev-api/releases/3", type: "ROLLBACK" } },
    ]);
    const now = { ...live, release: { ...live.release!, version: "sites/shop-dev-api/versions/ffff" } };
    const s = await rereleaseVersion(h, now, live.release!);
    expect(sent.map((q) => [q.method, q.url])).toEqual([
      ["POST", `/v1beta1/sites/${SITE}/releases?versionName=${VERSION}`],
    ]);
    sent.forEach(bodyOk);
    expect(s.release).toMatchObject({ version: VERSION, type: "ROLLBACK" });
  });
});

describe("firebase hosting: destroy", () => {
  it("deletes a site apiship created; a site already gone is success", async () => {
    const a = setup([{ body: {} }]);
    await destroyHosting(a.h, live);
    expect(a.sent.map((q) => `${q.method} ${q.url}`)).toEqual([
      `DELETE /v1beta1/projects/acme-web/sites/${SITE}`,
    ]);
    const b = setup([notFound]);
    await expect(destroyHosting(b.h, live)).resolves.toBeUndefined();
  });

  it("disables an adopted site instead of deleting it, once", async () => {
    const adopted = { ...live, created: false };
    const a = setup([
      { body: { releases: [fixture("release")] } },
      { body: { name: "x", type: "SITE_DISABLE" } },
    ]);
    await destroyHosting(a.h, adopted);
    expect(a.sent.map((q) => [q.method, q.url, q.body])).toEqual([
      ["GET", `/v1beta1/sites/${SITE}/releases?pageSize=1`, undefined],
      [
        "POST",
        `/v1beta1/sites/${SITE}/releases`,
        { type: "SITE_DISABLE", message: "disabled by apiship destroy" },
      ],
    ]);
    a.sent.forEach(bodyOk);
    const b = setup([{ body: { releases: [{ name: "x", type: "SITE_DISABLE" }] } }]);
    await destroyHosting(b.h, adopted);
    expect(b.sent).toHaveLength(1);
  });
});
