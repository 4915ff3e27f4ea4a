// examples/hello-fn on digitalocean/functions, deployed unchanged through the built CLI against the
// DigitalOcean fake, reached by the target's `endpoint` option (DigitalOcean has no endpoint
// variable; the copy's target gets it, nothing else changes). The example's own `digitalocean`
// environment sets Node.js 18, the runtime DigitalOcean Functions runs. The fake answers the web
// action itself, so after the deploy the test runs what the action holds: its `main`, called with
// a raw web action's arguments as OpenWhisk builds them.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import { startDoFake } from "../fakes/digitalocean/server.js";
import type { DoFake } from "../fakes/digitalocean/server.js";
import { copyExample } from "../support/examples.js";
import { webActionPackage } from "../support/fake-packages.js";
import { jsonStream } from "./deploy-helpers.js";
import { apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

const ACTION = "hello-fn-digitalocean-dofn";

let fake: DoFake;

beforeAll(async () => {
  ensureBuilt();
  fake = await startDoFake();
}, 180_000);
afterAll(async () => {
  await fake?.close();
  cleanup();
});

describe("examples/hello-fn on digitalocean/functions through the built CLI", () => {
  it("ships index.js (the entry with the handler bundled) as a raw web action whose main answers", async () => {
    const { dir } = copyExample("hello-fn", {
      into: tempDir("apiship-e2e-dofn-hello-"),
      targetOptions: { dofn: { endpoint: fake.url } },
    });
    const r = await apiship(["deploy", "--yes", "--json", "-e", "digitalocean"], {
      cwd: dir,
      env: { DIGITALOCEAN_TOKEN: "e2e-token", APISHIP_DO_POLL_MS: "5" },
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const { events, envelope } = jsonStream<DeployCommandResult>(r);
    expect(envelope.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["dofn", "deployed"],
    ]);
    expect(events.filter((e) => e.type === "health").at(-1)?.ok).toBe(true);
    expect(fake.rejected).toEqual([]);

    const pkg = webActionPackage(fake, ACTION);
    expect(pkg?.main).toBe("main");
    expect(pkg?.annotations).toMatchObject({ "raw-http": true, "web-export": true });
    expect([...(pkg?.files.keys() ?? [])].sort()).toEqual(["index.js", "package.json"]);
    expect(JSON.parse(pkg?.files.get("package.json")?.toString() ?? "{}")).toMatchObject({
      main: "index.js",
    });
    expect(pkg?.files.get("index.js")?.toString()).toContain("hello, ");

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
