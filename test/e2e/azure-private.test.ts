// access: private on azure/functions through the built CLI against the ARM fake: the portable
// trigger gets the `function` auth level, the health check goes through the platform (no key is
// fetched), anonymous calls get 401, and the catalogue's document names the function-key scheme.
// No key reaches the output or the state.

import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import { startAzureFake } from "../fakes/azure/index.js";
import type { AzureFake } from "../fakes/azure/index.js";
import { functionKey } from "../fakes/azure/access.js";
import { jsonStream } from "./deploy-helpers.js";
import { ROOT, apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

const APP = "hello-fn-production-azfn";

let fake: AzureFake;
let dir: string;
const cli = (args: string[]) =>
  apiship(args, { cwd: dir, env: { AZURE_RESOURCE_MANAGER_ENDPOINT: fake.url, APISHIP_AZURE_POLL_MS: "5" } });

beforeAll(async () => {
  ensureBuilt();
  fake = await startAzureFake();
  dir = tempDir("apiship-e2e-azfn-private-");
  cpSync(join(ROOT, "examples/hello-fn"), dir, { recursive: true });
  const file = join(dir, "apiship.yaml");
  const doc = parse(readFileSync(file, "utf8")) as Record<string, unknown> & {
    targets: Record<string, unknown>;
  };
  doc.targets = { azfn: doc.targets.azfn };
  doc.environments = {
    production: {
      targets: ["azfn"],
      service: {
        access: "private",
        openapi: "./openapi.yaml",
        health: { path: "/healthz", attempts: 2, interval: "50ms" },
      },
    },
  };
  doc.defaultEnvironment = "production";
  writeFileSync(file, stringify(doc));
  writeFileSync(
    join(dir, "openapi.yaml"),
    stringify({
      openapi: "3.1.0",
      info: { title: "hello", version: "1" },
      paths: { "/healthz": { get: { responses: { "200": { description: "ok" } } } } },
    }),
  );
}, 180_000);
afterAll(async () => {
  await fake?.close();
  cleanup();
});

describe.sequential("azure/functions with access: private through the built CLI", () => {
  it("deploys with the function auth level and checks health through the platform", async () => {
    const r = await cli(["deploy", "--yes", "--json"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const { events, envelope } = jsonStream<DeployCommandResult>(r);
    expect(envelope.result?.stacks[0]?.deploy?.targets.map((t) => [t.target, t.status])).toEqual([
      ["azfn", "deployed"],
    ]);
    const health = events.filter((e) => e.type === "health").at(-1);
    expect([health?.ok, (health as { via?: string } | undefined)?.via]).toEqual([true, "platform"]);
    const site = fake.world.sites.get(APP);
    expect(site?.settings.APISHIP_AUTH_LEVEL).toBe("function");
    // The fake's host wants the key; nothing the CLI printed holds it.
    expect((await fetch(`http://${site?.hostName ?? ""}/healthz`)).status).toBe(401);
    const key = site ? functionKey(site) : "";
    expect(r.stdout.includes(key) || r.stderr.includes(key)).toBe(false);
  });

  it("the catalogue's document names the function-key scheme", async () => {
    const r = await cli(["catalog", "--out", "catalog"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const doc = parse(readFileSync(join(dir, "catalog/hello-fn/production/openapi.yaml"), "utf8")) as {
      components?: { securitySchemes?: Record<string, unknown> };
      security?: unknown;
    };
    expect(doc.components?.securitySchemes?.azureFunctionKey).toMatchObject({
      type: "apiKey",
      in: "header",
      name: "x-functions-key",
    });
    expect(doc.security).toEqual([{ azureFunctionKey: [] }]);
  });
});
