// whoami() of the DigitalOcean platforms (`apiship doctor`): GET /v2/account says whose the
// token is (email, team), and a locked account fails like a rejected token would; then one
// list read of the platform's own API shows it answers for that token (App Platform apps,
// Functions namespaces, Droplets), one item a page. Reads only.

import type { Ctx, Identity } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { count, reachBy } from "../_shared/whoami.js";
import type { DoClients } from "./clients.js";

interface Account {
  email: string;
  uuid: string;
  status: "active" | "warning" | "locked";
  status_message?: string;
  team?: { uuid?: string; name?: string };
}

interface Listed {
  meta?: { total?: number };
}

type Reach = (ctx: Ctx<DoClients>) => Promise<string>;

async function identity(ctx: Ctx<DoClients>): Promise<Identity> {
  const { account: a } = await ctx.clients.api.http.request<{ account: Account }>("GET", "/v2/account", {
    signal: ctx.signal,
  });
  const note = a.status_message?.trim();
  if (a.status === "locked") {
    throw new ProviderError(`the DigitalOcean account ${a.email} is locked${note ? `: ${note}` : ""}`, {
      code: "ACCOUNT_LOCKED",
      fault: "user",
      target: ctx.clients.target,
      hint: "a locked account cannot create resources; see cloud.digitalocean.com/account or contact DigitalOcean support",
    });
  }
  const id: Identity = { principal: a.email };
  if (a.team?.name) id.account = `team ${a.team.name}`;
  if (a.status === "warning") id.detail = `account status warning${note ? `: ${note}` : ""}`;
  return id;
}

const total = async (ctx: Ctx<DoClients>, path: string): Promise<number> => {
  const r = await ctx.clients.api.http.request<Listed>("GET", path, {
    query: { per_page: 1 },
    signal: ctx.signal,
  });
  return r.meta?.total ?? 0;
};

export const reachApps: Reach = async (ctx) =>
  `App Platform answered: ${count(await total(ctx, "/v2/apps"), "app")}`;

export const reachDroplets: Reach = async (ctx) =>
  `Droplets answered: ${count(await total(ctx, "/v2/droplets"), "Droplet")}`;

export const reachNamespaces: Reach = async (ctx) => {
  const all = await ctx.clients.api.listNamespaces(ctx.signal);
  const region = (ctx.target.options as { region?: unknown }).region;
  const here = all.filter((n) => n.region === region).length;
  return `Functions answered: ${count(all.length, "namespace")}, ${here} in ${String(region)}`;
};

/** The whoami of a DigitalOcean platform whose reach read is `reach`. */
export function whoamiDo(reach: Reach): (ctx: Ctx<DoClients>) => Promise<Identity> {
  return async (ctx) => {
    const id = await identity(ctx);
    id.reach = await reachBy(() => reach(ctx));
    return id;
  };
}
