// examples/hello-fn on heroku/heroku as a source build (its `heroku` target and environment),
// deployed unchanged through the built CLI against the Heroku fake, reached by the target's
// `endpoint` option (Heroku has no endpoint variable; the copy's target gets it, nothing else
// changes). The fake builds whatever tarball it is sent and plays the router itself, so after the
// deploy the test runs what the build received as Heroku's buildpack would start it: the
// Procfile's web process, with $PORT and the app's config vars.

import { describe, expect, it } from "vitest";
import { startHerokuFake } from "../fakes/heroku/server.js";
import {
  deployExample,
  expectBundledEntry,
  expectExampleAnswers,
  fakeForFile,
} from "../support/example-deploys.js";
import { copyExample } from "../support/examples.js";
import { herokuBuildPackage } from "../support/fake-packages.js";
import { tempDir } from "./helpers.js";

const APP = "hello-fn-heroku-heroku";

const fake = fakeForFile(() => startHerokuFake());

describe("examples/hello-fn on heroku through the built CLI", () => {
  it("builds apiship-server.mjs (the handler bundled) with a Procfile that runs it; the web process answers on $PORT", async () => {
    const { dir } = copyExample("hello-fn", {
      into: tempDir("apiship-e2e-heroku-hello-"),
      targetOptions: { heroku: { endpoint: fake().url } },
    });
    await deployExample(dir, {
      environment: "heroku",
      target: "heroku",
      env: { HEROKU_API_KEY: "e2e-key", APISHIP_HEROKU_POLL_MS: "5" },
    });
    expect(fake().rejected).toEqual([]);
    const app = fake().world.apps.get(APP);
    expect(app?.app.stack.name).toBe("heroku-24");
    expect(app?.builds.map((b) => b.status)).toEqual(["succeeded"]);

    const pkg = herokuBuildPackage(fake(), APP);
    expectBundledEntry(pkg, "apiship-server.mjs", ["Procfile"]);
    expect(pkg?.files.get("Procfile")?.toString()).toBe("web: node apiship-server.mjs\n");

    await expectExampleAnswers(pkg, "hello-fn");
  });
});
