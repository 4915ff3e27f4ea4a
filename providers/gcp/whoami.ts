// whoami() of the GCP platforms (`apiship doctor`): who the credentials are (gcp/adc.ts
// describeAdc: a service account's email, else the kind of ADC, after a token was got from them),
// then one read in the target's project and region, one item a page: Cloud Run's services list,
// Cloud Functions' functions list (whose `unreachable` names a region that did not answer), or
// GKE's cluster. A project that does not exist, or whose API is not enabled, fails the reach
// with Google's own PERMISSION_DENIED or SERVICE_DISABLED, mapped by errors.ts. Reads only.

import type { Ctx, Identity } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { reachBy } from "../_shared/whoami.js";
import type { GcpApi, GcpClients } from "./clients.js";

interface Where {
  project?: unknown;
  region?: unknown;
  location?: unknown;
  cluster?: unknown;
}

const where = (ctx: Ctx<unknown>) => ctx.target.options as Where;
const parentOf = (o: Where) => `projects/${String(o.project)}/locations/${String(o.region ?? o.location)}`;

function unsupported(what: string, target: string): ProviderError {
  return new ProviderError(`these GCP clients cannot ${what}`, {
    code: "UNSUPPORTED",
    fault: "internal",
    target,
    hint: "this is a bug in apiship; please report it",
  });
}

/** Who the GCP credentials of a target are, its endpoint decided by `api`. */
export async function gcpIdentity(c: GcpClients, api: GcpApi, o: Where, target: string): Promise<Identity> {
  if (!c.identity) throw unsupported("tell who they are", target);
  const who = await c.identity(api);
  return { principal: who.principal, account: `project ${String(o.project)}`, detail: who.detail };
}

export async function whoamiRun(ctx: Ctx<GcpClients>): Promise<Identity> {
  const o = where(ctx);
  const id = await gcpIdentity(ctx.clients, "RUN", o, ctx.target.name);
  id.reach = await reachBy(async () => {
    const run = await ctx.clients.run();
    if (!run.listServices) throw unsupported("list services", ctx.target.name);
    await run.listServices(parentOf(o));
    return `Cloud Run answered in ${parentOf(o)}`;
  });
  return id;
}

/** The Cloud Functions list read; firebase/functions' function half makes it too. */
export async function reachFunctions(c: GcpClients, o: Where, target: string): Promise<string> {
  const fns = await c.functions();
  if (!fns.listFunctions) throw unsupported("list functions", target);
  await fns.listFunctions(parentOf(o));
  return `Cloud Functions answered in ${parentOf(o)}`;
}

export async function whoamiFunctions(ctx: Ctx<GcpClients>): Promise<Identity> {
  const o = where(ctx);
  const id = await gcpIdentity(ctx.clients, "CLOUDFUNCTIONS", o, ctx.target.name);
  id.reach = await reachBy(() => reachFunctions(ctx.clients, o, ctx.target.name));
  return id;
}

export async function whoamiGke(ctx: Ctx<{ gcp: GcpClients }>): Promise<Identity> {
  const o = where(ctx);
  const id = await gcpIdentity(ctx.clients.gcp, "CONTAINER", o, ctx.target.name);
  const name = `${parentOf(o)}/clusters/${String(o.cluster)}`;
  id.reach = await reachBy(async () => {
    const c = await (await ctx.clients.gcp.container()).getCluster(name);
    if (!c) {
      throw new ProviderError(`GKE cluster ${String(o.cluster)} is not in ${parentOf(o)}`, {
        code: "CLUSTER_NOT_FOUND",
        fault: "user",
        target: ctx.target.name,
        hint: "apiship deploys to an existing cluster: check `project`, `location` and `cluster` (`gcloud container clusters list`)",
      });
    }
    const version = c.currentMasterVersion ? `, Kubernetes ${c.currentMasterVersion}` : "";
    return `GKE cluster ${String(o.cluster)} is ${String(c.status ?? "in an unknown state")}${version}`;
  });
  return id;
}
