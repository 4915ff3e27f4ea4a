// whoami() of heroku/heroku (`apiship doctor`): GET /account says whose the API key is (and a
// suspended account fails like a rejected key), then GET /regions/{region} shows the Platform API
// answers for the target's region. Reads only.

import type { Ctx, Identity } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { reachBy } from "../_shared/whoami.js";
import type { HerokuClients } from "./clients.js";

export async function whoamiHeroku(ctx: Ctx<HerokuClients>): Promise<Identity> {
  const { api, credentials } = ctx.clients;
  const a = await api.getAccount(ctx.signal);
  if (a.suspended_at) {
    throw new ProviderError(`the Heroku account ${a.email} is suspended (since ${a.suspended_at})`, {
      code: "ACCOUNT_SUSPENDED",
      fault: "user",
      target: ctx.target.name,
      hint: "a suspended account cannot create or change apps; see dashboard.heroku.com or contact Heroku support",
    });
  }
  const o = ctx.target.options as { team?: unknown; region?: unknown };
  const id: Identity = { principal: a.email, detail: `key from ${credentials}` };
  if (typeof o.team === "string") id.account = `team ${o.team}`;
  else if (a.default_team) id.account = `team ${a.default_team.name}`;
  const region = typeof o.region === "string" ? o.region : "us";
  id.reach = await reachBy(async () => {
    const r = await api.getRegion(region, ctx.signal);
    return `region ${r.name} answered (${r.description}, ${r.provider.region})`;
  });
  return id;
}
