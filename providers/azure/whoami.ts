// whoami() of the Azure platforms (`apiship doctor`). A token is got from the credential chain
// (CREDENTIALS when none answers), and who it names is read from its claims (user, application
// or managed identity, and the tenant), which costs no call. GET /subscriptions/{id} on ARM,
// with that token, proves ARM takes it for the target's subscription (its name and state).
// Then one read shows where the target deploys answers: the resource group of App Service and
// Functions (absent is an answer: the first deploy creates it), the AKS cluster. Reads only;
// the AKS credentials (a POST) are not fetched.

import type { Ctx, Identity } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { HttpError } from "../_shared/http.js";
import { reachBy } from "../_shared/whoami.js";
import type { AksClients } from "./aks-cluster.js";
import type { AzureClients } from "./clients.js";
import { EMULATOR_TOKEN } from "./clients.js";
import { azMaybe, mapAzureError } from "./errors.js";

const SUBSCRIPTIONS_API = "2022-12-01";

interface Subscription {
  subscriptionId?: string;
  displayName?: string;
  state?: string;
  tenantId?: string;
}

type Claims = Record<string, unknown>;

/** The payload of a JWT, or undefined for any other token (an emulator's, an opaque one). */
export function jwtClaims(token: string): Claims | undefined {
  const [, payload, signature] = token.split(".");
  if (!payload || signature === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return claims && typeof claims === "object" ? (claims as Claims) : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Who a token names, from its claims: a user's sign-in name, an application, a managed identity. */
export function principalOf(token: string, insecure: boolean): { principal: string; tenant?: string } {
  const c = jwtClaims(token);
  if (!c) {
    return {
      principal:
        insecure && token === EMULATOR_TOKEN
          ? "the emulator's placeholder token"
          : "a bearer token that is not a JWT (its holder is not shown)",
    };
  }
  const tenant = str(c.tid);
  const mi = str(c.xms_mirid);
  const user = str(c.upn) ?? str(c.unique_name) ?? str(c.preferred_username);
  const app = str(c.appid) ?? str(c.azp);
  const principal = mi
    ? `managed identity ${mi.split("/").pop() ?? mi}`
    : user && c.idtyp !== "app"
      ? user
      : app
        ? `application ${app}${str(c.oid) ? ` (object ${str(c.oid)})` : ""}`
        : (str(c.oid) ?? str(c.sub) ?? "an unnamed principal");
  return tenant ? { principal, tenant } : { principal };
}

function restError(e: HttpError): unknown {
  const body = (e.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (e.status === 0) return { code: "REQUEST_SEND_ERROR", message: e.message };
  return { statusCode: e.status, code: body?.code, message: body?.message ?? e.message };
}

async function subscriptionOf(c: AzureClients, token: string, signal: AbortSignal): Promise<Subscription> {
  const op = "Subscriptions_Get";
  // Not in @azure/arm-resources: one GET on the shared client, loaded when asked for.
  const { createHttpClient } = await import("../_shared/http.js");
  const http = createHttpClient({
    baseUrl: c.endpoint,
    token,
    retry: c.retry,
    fetch: c.fetch,
    signal,
    mapError: (e) => mapAzureError(restError(e), op, c.target),
  });
  try {
    return await http.request<Subscription>("GET", `/subscriptions/${encodeURIComponent(c.subscription)}`, {
      query: { "api-version": SUBSCRIPTIONS_API },
    });
  } catch (e) {
    if (!(e instanceof ProviderError) || !/^(SubscriptionNotFound|InvalidSubscriptionId)$/.test(e.code))
      throw e;
    throw new ProviderError(`subscription ${c.subscription} is not visible to these credentials`, {
      code: "SUBSCRIPTION_NOT_FOUND",
      fault: "user",
      target: c.target,
      cause: e,
      hint: "check the target's `subscription` (`az account list -o table`) and that the credentials belong to its tenant",
    });
  }
}

/** The token's principal, and the subscription ARM shows it (throws when it cannot). */
async function identity(c: AzureClients, signal: AbortSignal): Promise<Identity> {
  let token: string;
  try {
    token = await c.token();
  } catch (e) {
    throw mapAzureError(e, "get an Azure token", c.target);
  }
  const who = principalOf(token, c.insecure);
  const sub = await subscriptionOf(c, token, signal);
  const state = sub.state ?? "Enabled";
  if (state === "Disabled" || state === "Deleted") {
    throw new ProviderError(`subscription ${sub.displayName ?? c.subscription} is ${state}`, {
      code: "SUBSCRIPTION_DISABLED",
      fault: "user",
      target: c.target,
      hint: "a disabled subscription takes no deployments; re-enable it in the Azure portal (Subscriptions)",
    });
  }
  const tenant = who.tenant ?? sub.tenantId;
  const id: Identity = {
    principal: who.principal,
    account: `subscription ${sub.displayName ?? c.subscription} (${c.subscription}, ${state})`,
  };
  if (tenant) id.detail = `tenant ${tenant}`;
  return id;
}

export async function whoamiAzure(ctx: Ctx<AzureClients>): Promise<Identity> {
  const c = ctx.clients;
  const id = await identity(c, ctx.signal);
  const group = String((ctx.target.options as { resourceGroup?: unknown }).resourceGroup);
  id.reach = await reachBy(async () => {
    const g = await azMaybe("ResourceGroups_Get", c.target, () =>
      c.resources.resourceGroups.get(group, { abortSignal: ctx.signal }),
    );
    return g
      ? `resource group ${group} answered (${g.location})`
      : `ARM answered: no resource group ${group} yet (the first deploy creates it)`;
  });
  return id;
}

export async function whoamiAks(ctx: Ctx<AksClients>): Promise<Identity> {
  const c = ctx.clients.azure;
  const id = await identity(c, ctx.signal);
  const o = ctx.target.options as { resourceGroup?: unknown; cluster?: unknown };
  const [group, cluster] = [String(o.resourceGroup), String(o.cluster)];
  id.reach = await reachBy(async () => {
    const aks = await c.containers();
    const mc = await azMaybe("ManagedClusters_Get", c.target, () =>
      aks.managedClusters.get(group, cluster, { abortSignal: ctx.signal }),
    );
    if (!mc) {
      throw new ProviderError(`AKS cluster ${cluster} is not in resource group ${group}`, {
        code: "NOT_FOUND",
        fault: "user",
        target: c.target,
        hint: "azure/aks deploys to an existing cluster: check `cluster` and `resourceGroup` (`az aks list -o table`)",
      });
    }
    const power = mc.powerState?.code ? `, ${mc.powerState.code}` : "";
    const version = mc.kubernetesVersion ? `, Kubernetes ${mc.kubernetesVersion}` : "";
    return `AKS cluster ${cluster} is ${mc.provisioningState ?? "in an unknown state"}${power}${version}`;
  });
  return id;
}
