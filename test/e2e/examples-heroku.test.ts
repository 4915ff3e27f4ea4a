// examples/hello-fn on heroku/heroku as a source build (its `heroku` target and environment),
// deployed unchanged through the built CLI against the Heroku fake, reached by the target's
// `endpoint` option (Heroku has no endpoint variable; the copy's target gets it, nothing else
// changes). The fake builds whatever tarball it is sent and plays the router itself, so after the
// deploy the test runs what the build received as Heroku's buildpack would start it: the
// Procfile's web process, with $PORT and the app's config vars.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import { startHerokuFake } from "../fakes/heroku/server.js";
import type { HerokuFake } from "../fakes/heroku/server.js";
import { copyExample } from "../support/examples.js";
import { herokuBuildPackage } from "../support/fake-packages.js";
import { jsonStream } from "./deploy-helpers.js";
import { apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

const APP = "hello-fn-heroku-heroku";

let fake: HerokuFake;

beforeAll(async () => {
  ensureBuilt();
  fake = await startHerokuFake();
}, 180_000);
afterAll(async () => {
  await fake?.close();
  cleanup();
});

describe("examples/hello-fn on heroku through the built CLI", () => {
  it("builds apiship-server.mjs (the handler bundled) with a Procfile that runs it; the web process answers on $PORT", async () => {
    const { dir } = copyExample("hello-fn", {
      into: tempDir("apiship-e2e-heroku-hello-"),
      targetOptions: { heroku: { endpoint: fake.url } },
    });
    const r = await apiship(["deploy", "--yes", "--json", "-e", "heroku"], {
      cwd: dir,
      env: { HEROKU_API_KEY: "e2e-key", APISHIP_HEROKU_POLL_MS: "5" },
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const { events, envelope } = jsonStream<DeployCommandResult>(r);
    expect(envelope.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["heroku", "deployed"],
    ]);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
    expect(fake.rejected).toEqual([]);
    const app = fake.world.apps.get(APP);
    expect(app?.app.stack.name).toBe("heroku-24");
    expect(app?.builds.map((b) => b.status)).toEqual(["succeeded"]);

    const pkg = herokuBuildPackage(fake, APP);
    expect([...(pkg?.files.keys() ?? [])].sort()).toEqual(["Procfile", "apiship-server.mjs", "package.json"]);
    expect(pkg?.files.get("Procfile")?.toString()).toBe("web: node apiship-server.mjs\n");
    expect(pkg?.files.get("apiship-server.mjs")?.toString()).toContain("hello, ");

    const running = await pkg!.run();
    try {
      const health = await running.get("/healthz");
      expect([health.status, JSON.parse(health.text)]).toEqual([200, { status: "ok" }]);
      const hello = await running.get("/greet?name=e2e");
      expect(JSON.parse(hello.text)).toEqual({ message: "hello, e2e", path: "/greet" });
    } finally {
      await running.stop();
    }
  });
});
