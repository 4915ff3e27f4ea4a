// examples/hello-fn on digitalocean/functions, deployed unchanged through the built CLI against the
// DigitalOcean fake, reached by the target's `endpoint` option (DigitalOcean has no endpoint
// variable; the copy's target gets it, nothing else changes). The example's own `digitalocean`
// environment sets Node.js 18, the runtime DigitalOcean Functions runs. The fake answers the web
// action itself, so after the deploy the test runs what the action holds: its `main`, called with
// a raw web action's arguments as OpenWhisk builds them.

import { describe, expect, it } from "vitest";
import { startDoFake } from "../fakes/digitalocean/server.js";
import {
  deployExample,
  expectBundledEntry,
  expectExampleAnswers,
  fakeForFile,
} from "../support/example-deploys.js";
import { copyExample } from "../support/examples.js";
import { webActionPackage } from "../support/fake-packages.js";
import { tempDir } from "./helpers.js";

const ACTION = "hello-fn-digitalocean-dofn";

const fake = fakeForFile(() => startDoFake());

describe("examples/hello-fn on digitalocean/functions through the built CLI", () => {
  it("ships index.js (the entry with the handler bundled) as a raw web action whose main answers", async () => {
    const { dir } = copyExample("hello-fn", {
      into: tempDir("apiship-e2e-dofn-hello-"),
      targetOptions: { dofn: { endpoint: fake().url } },
    });
    await deployExample(dir, {
      environment: "digitalocean",
      target: "dofn",
      env: { DIGITALOCEAN_TOKEN: "e2e-token", APISHIP_DO_POLL_MS: "5" },
    });
    expect(fake().rejected).toEqual([]);

    const pkg = webActionPackage(fake(), ACTION);
    expect(pkg?.main).toBe("main");
    expect(pkg?.annotations).toMatchObject({ "raw-http": true, "web-export": true });
    expectBundledEntry(pkg, "index.js");

    await expectExampleAnswers(pkg, "hello-fn");
  });
});
