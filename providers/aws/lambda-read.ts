// What the cloud holds of an aws/lambda target now (read) and how it is doing (status). Read
// only: GetFunction (configuration, tags and reserved concurrency in one call), the alias, the
// URL and its policy, provisioned concurrency, and the role apiship made.

import type { StatusReport } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { AwsClients } from "./clients.js";
import { readUrl } from "./function-url.js";
import { readRole } from "./iam-role.js";
import { getFunction, toFunctionState } from "./lambda-function.js";
import type { AwsCtx } from "./lambda-function.js";
import { readAlias, readConcurrency } from "./lambda-release.js";
import { TAG_STACK, roleNameFor } from "./lambda-state.js";
import type { LambdaState } from "./lambda-state.js";

/** The clients of the region a state lives in (a region change is read and torn down there). */
export async function clientsFor(ctx: AwsCtx, region: string | undefined): Promise<AwsClients> {
  return region && region !== ctx.clients.region ? ctx.clients.forRegion(region) : ctx.clients;
}

function checkOwner(tags: Record<string, string>, name: string, ctx: AwsCtx): void {
  if (tags[TAG_STACK] === ctx.stack.id) return;
  const owner = tags[TAG_STACK];
  throw new ProviderError(
    `Lambda function ${name} exists but belongs to ${owner ? `stack ${owner}` : "no apiship stack"}`,
    {
      code: "NOT_OWNED",
      fault: "user",
      target: ctx.target.name,
      hint: "apiship does not adopt a function it did not create; delete or rename it, or deploy under another target name",
    },
  );
}

export async function readLambda(
  ctx: AwsCtx,
  prior: LambdaState | undefined,
  name: string,
): Promise<LambdaState | undefined> {
  const c = await clientsFor(ctx, prior?.region);
  const roleName = roleNameFor(name);
  const role = await readRole(c, roleName, ctx.stack.id);
  const fn = await getFunction(c, name);
  if (!fn?.Configuration) return role?.managed ? { name, region: c.region, role } : undefined;
  checkOwner(fn.Tags ?? {}, name, ctx);
  const secretNames = [
    ...new Set([...Object.keys(ctx.stack.service.secrets), ...Object.keys(prior?.function?.secrets ?? {})]),
  ];
  const state: LambdaState = {
    name,
    region: c.region,
    function: toFunctionState(fn, c.region, secretNames, prior?.function?.secrets ?? {}),
  };
  if (role?.managed) state.role = role;
  const alias = await readAlias(c, name);
  if (!alias) return state;
  state.alias = alias;
  const url = await readUrl(c, name);
  if (url) state.url = url;
  state.concurrency = await readConcurrency(c, name, fn.Concurrency?.ReservedConcurrentExecutions);
  return state;
}

export async function statusLambda(ctx: AwsCtx, state: LambdaState): Promise<StatusReport> {
  const c = await clientsFor(ctx, state.region);
  const fn = await getFunction(c, state.name);
  const cfg = fn?.Configuration;
  if (!cfg) return { health: "missing", detail: `function ${state.name} is not in ${c.region}` };
  const alias = await readAlias(c, state.name);
  const url = alias ? await readUrl(c, state.name) : undefined;
  const report: StatusReport = { health: "unknown" };
  if (url) report.endpoint = url.url;
  if (alias) report.release = alias.functionVersion;
  if (cfg.State === "Failed" || cfg.LastUpdateStatus === "Failed") {
    report.health = "down";
    report.detail = cfg.StateReason ?? cfg.LastUpdateStatusReason ?? "the function failed";
  } else if (cfg.State === "Active" && alias) {
    report.health = url ? "ready" : "partial";
    if (!url) report.detail = "the function has no URL";
  } else {
    report.health = "partial";
    report.detail = alias ? `function state ${cfg.State ?? "unknown"}` : `alias ${"live"} is missing`;
  }
  return report;
}
