// access: private on Azure against the ARM fake: a portable Function App's trigger gets the
// `function` auth level (the app setting its generated entry reads), anonymous calls get 401 and
// the key from host/default/listkeys opens it, and no plan, output or state holds that key; an
// App Service site gets access restrictions (allow the listed ranges, default Deny), which the
// fake checks against the Microsoft.Web schema and enforces, and taking private off opens it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DeployableTarget } from "../../src/core/provider.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { appService } from "../../providers/azure/app-service.js";
import type { AppServiceOptions, AppServiceState } from "../../providers/azure/app-service.js";
import type { AzureClients } from "../../providers/azure/clients.js";
import { functions } from "../../providers/azure/functions.js";
import type { FunctionsOptions, FunctionsState } from "../../providers/azure/functions.js";
import {
  SECRET_VALUE,
  SUBSCRIPTION,
  azureWorld,
  containerService,
  deployIn,
} from "../fakes/azure/harness.js";
import { readAndPlan } from "../support/read-plan.js";

const fnAdapter = functions as DeployableTarget<FunctionsOptions, FunctionsState, AzureClients>;
const siteAdapter = appService as DeployableTarget<AppServiceOptions, AppServiceState, AzureClients>;

function nodeSource(): string {
  const dir = mkdtempSync(join(tmpdir(), "apiship-azfn-private-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/index.mjs"), "export const handler = () => new Response('ok');\n");
  return dir;
}

const bodiesTo = (reqs: { method: string; path: string; json: unknown }[], re: RegExp) =>
  reqs.filter((q) => q.method === "PUT" && re.test(q.path)).map((q) => JSON.stringify(q.json));

describe("azure/functions with access: private", () => {
  it("sets the function auth level, needs the key on calls, and records no key", async () => {
    const source = nodeSource();
    const service: ServiceSpec = {
      kind: "function",
      function: { runtime: "nodejs22", handler: "src/index.handler", source, interface: "portable" },
      env: {},
      secrets: { API_KEY: "env:API_KEY" },
      resources: { memory: 512 },
      scaling: { min: 0, max: 5 },
      health: { path: "/health", status: 200, timeoutMs: 2000, attempts: 2, intervalMs: 20 },
      access: "private",
      timeoutMs: 30_000,
    };
    const options = functions.options.parse({
      subscription: SUBSCRIPTION,
      resourceGroup: "rg-fn",
      location: "westeurope",
    });
    const w = await azureWorld(fnAdapter, { name: "fn", platform: "functions", options, service });
    try {
      const ctx = await w.ctx();
      const artifact = await fnAdapter.build?.(ctx, service);
      const planned = await readAndPlan(fnAdapter, ctx, {
        stack: w.stack,
        target: w.target,
        service,
        name: "shop-dev-fn",
        recorded: undefined,
        secretHashes: { API_KEY: "hmac-sha256:1" },
        ...(artifact ? { artifact } : {}),
      });
      const res = await fnAdapter.apply(ctx, { ...planned, secrets: { API_KEY: SECRET_VALUE } });

      // The site PUT's app settings carry the auth level the generated entry reads.
      const put = w.fake.requests.find((q) => q.method === "PUT" && /\/sites\/shop-dev-fn$/i.test(q.path));
      const settings = (
        put?.json as { properties: { siteConfig: { appSettings: { name: string; value: string }[] } } }
      ).properties.siteConfig.appSettings;
      expect(settings).toContainEqual({ name: "APISHIP_AUTH_LEVEL", value: "function" });
      expect(res.privateEndpoint).toBe(true);
      expect(res.outputs.functionKey).toBe(
        "az functionapp keys list -g rg-fn -n shop-dev-fn --query functionKeys.default -o tsv",
      );

      // The fake's host wants the key, as the real trigger does.
      const url = `${res.endpoint ?? ""}/health`;
      expect((await fetch(url)).status).toBe(401);
      const keys = w.fake.requests.length;
      const listed = await fetch(
        `${w.fake.url}/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-fn/providers/Microsoft.Web/sites/shop-dev-fn/host/default/listkeys?api-version=2024-11-01`,
        { method: "POST", headers: { authorization: "Bearer x" } },
      );
      const key = ((await listed.json()) as { functionKeys: { default: string } }).functionKeys.default;
      expect(w.fake.requests.length).toBeGreaterThan(keys);
      expect((await fetch(url, { headers: { "x-functions-key": key } })).status).toBe(200);
      expect((await fetch(`${url}?code=${key}`)).status).toBe(200);

      // Nothing apiship keeps or shows holds the key.
      for (const kept of [planned, res.state, res.outputs]) expect(JSON.stringify(kept)).not.toContain(key);
    } finally {
      await w.close();
      rmSync(source, { recursive: true, force: true });
    }
  });
});

describe("azure/app-service with access: private", () => {
  const NAME = "shop-dev-web";
  const opts = (allowedIps?: string[]) =>
    appService.options.parse({
      subscription: SUBSCRIPTION,
      resourceGroup: "rg-web",
      location: "westeurope",
      ...(allowedIps ? { allowedIps } : {}),
    });

  it("writes access restrictions, is closed to callers outside them, and opens again when public", async () => {
    const priv: ServiceSpec = { ...containerService, access: "private" };
    const w = await azureWorld(siteAdapter, {
      name: "web",
      platform: "app-service",
      options: opts(["10.1.0.0/16"]),
      service: priv,
    });
    try {
      const first = await deployIn(w, NAME, undefined, priv);
      const put = bodiesTo(w.fake.requests, /\/sites\/shop-dev-web$/i)[0] ?? "";
      expect(JSON.parse(put)).toMatchObject({
        properties: {
          siteConfig: {
            ipSecurityRestrictions: [{ ipAddress: "10.1.0.0/16", action: "Allow", priority: 100 }],
            ipSecurityRestrictionsDefaultAction: "Deny",
          },
        },
      });
      expect(first.result.privateEndpoint).toBe(true);
      expect(first.result.outputs.allowedIps).toBe("10.1.0.0/16");
      // This machine (127.0.0.1) is not in 10.1.0.0/16: App Service answers 403.
      expect((await fetch(`${first.result.endpoint ?? ""}/healthz`)).status).toBe(403);
      // The fake stored what was set, with the implicit last rule, and read() sees no drift.
      const again = await deployIn(w, NAME, first.result.state, priv);
      expect(again.planned.changes.filter((c) => c.action !== "no-op")).toEqual([]);

      // An allowed range that holds this machine lets it in.
      const wide = { ...w.target, options: opts(["127.0.0.0/8"]) };
      const opened = await deployIn(w, NAME, again.result.state, priv, wide);
      expect(opened.planned.changes.find((c) => c.type === "site")?.action).toBe("update");
      expect((await fetch(`${opened.result.endpoint ?? ""}/healthz`)).status).toBe(200);

      // Public again: the restrictions come off (default Allow, no rules).
      const pub = { ...w.target, options: opts() };
      const open = await deployIn(w, NAME, opened.result.state, containerService, pub);
      expect(open.result.privateEndpoint).toBeUndefined();
      expect(w.fake.world.sites.get(NAME)?.config.ipSecurityRestrictionsDefaultAction).toBe("Allow");
      expect((await fetch(`${open.result.endpoint ?? ""}/healthz`)).status).toBe(200);
    } finally {
      await w.close();
    }
  });

  it("the fake refuses restrictions the Microsoft.Web schema does not have", async () => {
    const w = await azureWorld(siteAdapter, { name: "web", platform: "app-service", options: opts() });
    try {
      await deployIn(w, NAME);
      const base = `${w.fake.url}/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Web/sites/${NAME}?api-version=2024-11-01`;
      const patch = (siteConfig: unknown) =>
        fetch(base, {
          method: "PATCH",
          headers: { authorization: "Bearer x", "content-type": "application/json" },
          body: JSON.stringify({ properties: { siteConfig } }),
        }).then((r) => r.status);
      expect(await patch({ ipSecurityRestrictionsDefaultAction: "Block" })).toBe(400);
      expect(
        await patch({ ipSecurityRestrictions: [{ ipAddress: "10.0.0.0/8", action: "Allow", cidr: "x" }] }),
      ).toBe(400);
      expect(await patch({ ipSecurityRestrictions: [{ ipAddress: "10.0.0.0/8", action: "Permit" }] })).toBe(
        400,
      );
      expect(await patch({ ipSecurityRestrictions: [{ ipAddress: "10.0.0.0/8", action: "Allow" }] })).toBe(
        200,
      );
    } finally {
      await w.close();
    }
  });
});
