// whoami() of the AWS platforms (`apiship doctor`): sts:GetCallerIdentity says who the
// credentials are (account and ARN), then one read in the target's region shows the service
// answers there: Lambda's GetAccountSettings, ECS's DescribeClusters of the target's cluster.
// Both are reads; an unknown cluster is an answer (it is created on the first deploy).

import type { Ctx, Identity } from "../../src/core/provider.js";
import { count, reachBy } from "../_shared/whoami.js";
import type { AwsClients, EcsClients } from "./clients.js";
import { aws } from "./errors.js";

type WithSts = Pick<AwsClients, "sts" | "region" | "target">;

async function caller(c: WithSts, signal: AbortSignal): Promise<Identity> {
  const { client, sdk } = await c.sts();
  const id = await aws("GetCallerIdentity", c.target, () =>
    client.send(new sdk.GetCallerIdentityCommand({}), { abortSignal: signal }),
  );
  const out: Identity = { principal: id.Arn ?? id.UserId ?? "(no ARN)" };
  if (id.Account) out.account = `account ${id.Account}`;
  return out;
}

export async function whoamiLambda(ctx: Ctx<AwsClients>): Promise<Identity> {
  const c = ctx.clients;
  const id = await caller(c, ctx.signal);
  id.reach = await reachBy(async () => {
    const s = await aws("GetAccountSettings", c.target, () =>
      c.lambda.send(new c.sdk.lambda.GetAccountSettingsCommand({}), { abortSignal: ctx.signal }),
    );
    const fns = count(Number(s.AccountUsage?.FunctionCount ?? 0), "function");
    const limit = s.AccountLimit?.ConcurrentExecutions;
    return `Lambda in ${c.region} answered: ${fns}${limit !== undefined ? `, concurrency limit ${limit}` : ""}`;
  });
  return id;
}

export async function whoamiEcs(ctx: Ctx<EcsClients>): Promise<Identity> {
  const c = ctx.clients;
  const id = await caller(c, ctx.signal);
  const name = String((ctx.target.options as { cluster?: unknown }).cluster ?? "apiship");
  id.reach = await reachBy(async () => {
    const out = await aws("DescribeClusters", c.target, () =>
      c.ecs.send(new c.sdk.ecs.DescribeClustersCommand({ clusters: [name] }), { abortSignal: ctx.signal }),
    );
    const cl = out.clusters?.find((x) => x.status === "ACTIVE");
    return cl
      ? `ECS in ${c.region} answered: cluster ${name} is ACTIVE`
      : `ECS in ${c.region} answered: no cluster ${name} yet (the first deploy creates it)`;
  });
  return id;
}
