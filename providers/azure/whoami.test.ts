// whoami() of the Azure platforms against the ARM fake: the token's principal from its claims,
// GET /subscriptions/{id} (name, state, tenant), then the resource group or the AKS cluster; a
// subscription the credentials cannot see, a disabled one, and principalOf over the kinds of
// token Entra ID issues. Reads only.
import { afterEach, describe, expect, it } from "vitest";
import type { TargetAdapter } from "../../src/core/provider.js";
import { ctxFor, targetOf } from "../../test/fakes/_shared/ctx.js";
import { startAzureFake } from "../../test/fakes/azure/index.js";
import type { AzureFake, AzureFakeOptions } from "../../test/fakes/azure/index.js";
import { FAKE_TENANT } from "../../test/fakes/azure/resources.js";
import { aks } from "./aks.js";
import { appService } from "./app-service.js";
import { principalOf } from "./whoami.js";

const SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
const ONCE = { maxAttempts: 1, baseMs: 1, capMs: 1, maxWaitMs: 1 };
let fake: AzureFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.c2ln`;

async function whoami(
  adapter: TargetAdapter,
  options: Record<string, unknown>,
  env: Record<string, string> = {},
) {
  const t = targetOf(adapter.id, { subscription: SUB, endpoint: fake?.url, ...options });
  const clients = await adapter.createClients!({ target: t, env, retry: ONCE });
  return adapter.whoami!(ctxFor(clients, t));
}

const start = async (world: AzureFakeOptions["world"] = {}) => (fake = await startAzureFake({ world }));
const app = appService as unknown as TargetAdapter;

describe("azure whoami against the fake", () => {
  it("app-service: the token's user and tenant, the subscription, then the resource group", async () => {
    await start({ subscriptions: { [SUB]: { displayName: "Acme Production" } } });
    const token = jwt({ upn: "dev@acme.example", tid: "tenant-1", oid: "o-1" });
    const id = await whoami(app, { resourceGroup: "rg-shop" }, { AZURE_ACCESS_TOKEN: token });
    expect(id).toEqual({
      principal: "dev@acme.example",
      account: `subscription Acme Production (${SUB}, Enabled)`,
      detail: "tenant tenant-1",
      reach: {
        ok: true,
        detail: "ARM answered: no resource group rg-shop yet (the first deploy creates it)",
      },
    });
    fake?.world.groups.set(`${SUB}/rg-shop`, {
      subscription: SUB,
      name: "rg-shop",
      location: "westeurope",
      tags: {},
    });
    const again = await whoami(app, { resourceGroup: "rg-shop" }, { AZURE_ACCESS_TOKEN: token });
    expect(again.reach).toEqual({ ok: true, detail: "resource group rg-shop answered (westeurope)" });
    expect(fake?.requests.every((r) => r.method === "GET")).toBe(true);
  });

  it("the emulator's placeholder token, with the subscription's tenant", async () => {
    await start();
    const id = await whoami(app, { resourceGroup: "rg-shop" });
    expect(id).toMatchObject({
      principal: "the emulator's placeholder token",
      account: `subscription Fake subscription (${SUB}, Enabled)`,
      detail: `tenant ${FAKE_TENANT}`,
    });
  });

  it("a subscription the credentials cannot see, and a disabled one, fail the credentials", async () => {
    await start({ subscriptions: {} });
    const hidden = await whoami(app, { resourceGroup: "rg" }).catch((e: unknown) => e);
    expect(hidden).toMatchObject({
      code: "SUBSCRIPTION_NOT_FOUND",
      hint: expect.stringMatching(/az account list/),
    });
    await fake?.close();
    await start({ subscriptions: { [SUB]: { displayName: "Old", state: "Disabled" } } });
    const disabled = await whoami(app, { resourceGroup: "rg" }).catch((e: unknown) => e);
    expect(disabled).toMatchObject({
      code: "SUBSCRIPTION_DISABLED",
      message: "subscription Old is Disabled",
    });
  });

  it("aks: the cluster's state, or NOT_FOUND when it is not there", async () => {
    await start();
    const a = aks as unknown as TargetAdapter;
    const options = { resourceGroup: "rg-platform", cluster: "aks-prod" };
    const missing = await whoami(a, options);
    expect(missing.reach).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    fake?.world.clusters.set(`${SUB}/rg-platform/aks-prod`, {
      subscription: SUB,
      group: "rg-platform",
      name: "aks-prod",
      location: "westeurope",
      body: {
        name: "aks-prod",
        location: "westeurope",
        properties: {
          provisioningState: "Succeeded",
          powerState: { code: "Running" },
          kubernetesVersion: "1.33.2",
        },
      },
      kubeconfig: "",
    });
    const id = await whoami(a, options);
    expect(id.reach).toEqual({
      ok: true,
      detail: "AKS cluster aks-prod is Succeeded, Running, Kubernetes 1.33.2",
    });
    expect(fake?.requests.map((r) => r.method)).not.toContain("POST");
  });
});

describe("principalOf", () => {
  it("names users, applications and managed identities from the claims, and tokens that are not JWTs", () => {
    expect(principalOf(jwt({ upn: "a@b.example", tid: "t" }), false)).toEqual({
      principal: "a@b.example",
      tenant: "t",
    });
    expect(principalOf(jwt({ appid: "app-1", oid: "o-9", idtyp: "app", tid: "t" }), false)).toEqual({
      principal: "application app-1 (object o-9)",
      tenant: "t",
    });
    const mi =
      "/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deployer";
    expect(principalOf(jwt({ xms_mirid: mi, appid: "x" }), false).principal).toBe(
      "managed identity deployer",
    );
    expect(principalOf("opaque-token", false).principal).toMatch(/not a JWT/);
  });
});
