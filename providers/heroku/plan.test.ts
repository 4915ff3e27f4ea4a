// The pure parts of heroku/heroku: plan(), dyno sizing, image references, release history.
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import { APP, IMAGE_ID, service, unitWorld } from "../../test/fakes/heroku/stub.js";
import { chooseDyno } from "./dynos.js";
import { herokuImageId } from "./image.js";
import { planChanges } from "./plan.js";
import type { HerokuPlanRequest } from "./plan.js";
import { runningOf } from "./read.js";
import type { HerokuState } from "./state.js";
import type { Release } from "./types.js";

const HASHES = { API_KEY: "hmac-sha256:k1" };

function req(observed?: HerokuState, opts: Record<string, unknown> = {}, svc = service): HerokuPlanRequest {
  const { stack, target } = unitWorld(opts, svc);
  return { stack, target, service: svc, name: APP, recorded: observed, observed, secretHashes: HASHES };
}

const deployed: HerokuState = {
  app: APP,
  region: "us",
  stack: "container",
  team: null,
  created: true,
  config: { env: { LOG_LEVEL: "info" }, secrets: HASHES },
  release: {
    id: "r-1",
    version: 3,
    status: "succeeded",
    description: "Deployed web (0123456789ab)",
    image: IMAGE_ID,
  },
  formation: { quantity: 1, size: "basic" },
};

const actions = (r: HerokuPlanRequest) => planChanges(r).changes.map((c) => [c.type, c.action]);
const thrown = (fn: () => unknown): ProviderError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProviderError) return e;
    throw e;
  }
  throw new Error("did not throw");
};

describe("heroku/heroku plan (pure)", () => {
  it("creates app, config, release and formation in dependency order for a new target", () => {
    const { changes } = planChanges(req());
    expect(changes.map((c) => [c.type, c.name, c.action, c.dependsOn])).toEqual([
      ["app", APP, "create", []],
      ["config", `${APP}/config`, "create", ["app"]],
      ["release", `${APP}/release`, "create", ["app", "config"]],
      ["formation", `${APP}/formation`, "create", ["release"]],
    ]);
    expect(changes[0]?.after).toEqual({ name: APP, region: "us", stack: "container", team: null });
    expect(changes[1]?.after).toEqual({ env: { LOG_LEVEL: "info" }, secrets: HASHES });
    expect(changes[1]?.sensitivePaths).toEqual(["secrets"]);
    expect(changes[2]?.after).toEqual({ image: IMAGE_ID });
    expect(changes[3]?.after).toEqual({ type: "web", quantity: 1, size: "basic" });
  });

  it("plans nothing when the app holds what the manifest asks", () => {
    expect(actions(req(deployed)).filter(([, a]) => a !== "no-op")).toEqual([]);
  });

  it("a new image is a release update only; a secret's new hash a config update", () => {
    const img = `sha256:${"f".repeat(64)}`;
    const svc = { ...service, container: { image: `registry.heroku.com/${APP}/web@${img}`, port: 8080 } };
    expect(actions(req(deployed, {}, svc))).toEqual([
      ["app", "no-op"],
      ["config", "no-op"],
      ["release", "update"],
      ["formation", "no-op"],
    ]);
    const r = req(deployed);
    r.secretHashes = { API_KEY: "hmac-sha256:k2" };
    const config = planChanges(r).changes[1];
    expect([config?.action, config?.reason]).toEqual(["update", "secrets.API_KEY changed"]);
  });

  it("a region change replaces the app, and with it everything in it", () => {
    const { changes } = planChanges(req(deployed, { region: "eu" }));
    expect(changes.map((c) => c.action)).toEqual(["replace", "replace", "replace", "replace"]);
    expect(changes[0]?.replacePaths).toEqual(["region"]);
    expect(changes[1]?.reason).toBe("replaced with the app");
  });

  it("refuses to recreate an app it adopted rather than created", () => {
    const e = thrown(() => planChanges(req({ ...deployed, created: false }, { region: "eu" })));
    expect([e.code, e.fault]).toEqual(["ADOPTED_APP", "user"]);
    expect(e.message).toMatch(/would recreate app shop-dev-web/);
  });

  it("grows the dyno to hold resources.memory and scaling.min, within the size's family", () => {
    const svc = { ...service, resources: { memory: 2048 }, scaling: { min: 2, max: 4 } };
    expect(planChanges(req(undefined, {}, svc)).changes[3]?.after).toEqual({
      type: "web",
      quantity: 2,
      size: "performance-m",
    });
    expect(chooseDyno("basic", 512, 2)).toEqual({
      size: "standard-1x",
      why: "basic runs one dyno, scaling.min asks 2",
    });
    expect(chooseDyno("private-s", 2048, 1)?.size).toBe("private-m");
    expect(chooseDyno("shield-l", 20000, 1)).toBeUndefined();
    // Heroku cannot scale to zero here: min 0 still runs one dyno.
    expect(
      planChanges(req(undefined, {}, { ...service, scaling: { min: 0, max: 3 } })).changes[3]?.after,
    ).toMatchObject({ quantity: 1 });
  });

  it("refuses an image outside the app's registry path, saying what to push", () => {
    const e = thrown(() => herokuImageId("ghcr.io/acme/shop:1", APP, "web"));
    expect([e.code, e.fault]).toEqual(["IMAGE_NOT_IN_HEROKU_REGISTRY", "user"]);
    expect(e.hint).toContain(`docker tag ghcr.io/acme/shop:1 registry.heroku.com/${APP}/web`);
    expect(e.hint).toContain("docker inspect --format '{{.Id}}'");
    const other = thrown(() => herokuImageId(`registry.heroku.com/other-app/web@${IMAGE_ID}`, APP, "web"));
    expect(other.hint).toContain("set `app: other-app`");
    expect(herokuImageId(`registry.heroku.com/${APP}/web@${IMAGE_ID}`, APP, "web")).toBe(IMAGE_ID);
  });

  it("refuses what Heroku cannot run, before anything is created", () => {
    expect(thrown(() => planChanges(req(undefined, {}, { ...service, access: "private" }))).message).toMatch(
      /public/,
    );
    expect(
      thrown(() => planChanges(req(undefined, {}, { ...service, env: { PORT: "80" } }))).message,
    ).toMatch(/PORT is set by Heroku/);
    expect(thrown(() => planChanges(req(undefined, { stack: "heroku-24" }))).hint).toMatch(
      /stack: container/,
    );
    const cmd = {
      ...service,
      container: { ...(service.container as { image: string; port: number }), command: ["serve"] },
    };
    expect(thrown(() => planChanges(req(undefined, {}, cmd))).message).toMatch(/own CMD/);
    expect(
      thrown(() => planChanges(req(undefined, {}, { ...service, secrets: { X: "aws-sm:prod/x" } }))).code,
    ).toBe("SECRET_SCHEME_UNSUPPORTED");
  });
});

const rel = (version: number, description: string, over: Partial<Release> = {}): Release =>
  ({
    id: `r-${version}`,
    version,
    description,
    status: "succeeded",
    current: false,
    slug: null,
    ...over,
  }) as Release;

describe("what the current release runs, from Heroku's release descriptions", () => {
  it("walks back through config releases and rollbacks to the image release", () => {
    const releases = [
      rel(6, "Set FOO config vars", { current: true }),
      rel(5, "Rollback to v2"),
      rel(4, "Deployed web (ffffffffffff)"),
      rel(3, "Attach DATABASE (@ref:postgresql-1)"),
      rel(2, "Deployed web (0123456789ab)"),
      rel(1, "Initial release"),
    ];
    expect(runningOf(releases, { image: IMAGE_ID })).toEqual({ image: IMAGE_ID });
    // Without the recorded full id, only the short one Heroku wrote is known.
    expect(runningOf(releases, undefined)).toEqual({ image: "sha256:0123456789ab" });
    expect(runningOf([rel(1, "Initial release", { current: true })], undefined)).toEqual({});
    expect(
      runningOf([rel(2, "Deploy 5a3e9b1c0d2e", { current: true, slug: { id: "s" } })], undefined),
    ).toEqual({ source: "5a3e9b1c0d2e" });
  });
});
