// The load balancer of an aws/ecs-fargate target: an Application Load Balancer, a target group
// of the tasks' IPs (health check on `service.health.path`) and a listener (HTTP, or HTTPS with
// the target's certificate); or, with `loadBalancer` named, a rule on that existing listener,
// which destroy removes with the target group and nothing else.

import type { LoadBalancer, TargetGroup } from "@aws-sdk/client-elastic-load-balancing-v2";
import { ProviderError } from "../../src/errors.js";
import { shortHash } from "../../src/manifest/names.js";
import { poll } from "../_shared/poll.js";
import type { EcsClients } from "./clients.js";
import { aws, awsMaybe, mapAwsError } from "./errors.js";
import type { EcsCtx } from "./ecs-network.js";
import { TAG_MANAGED, TAG_STACK, names, ownerTags } from "./ecs-state.js";
import type { HealthCheckAttrs, LoadBalancerState } from "./ecs-state.js";

export interface LbWant {
  region: string;
  vpc: string;
  subnets: string[];
  securityGroups: string[];
  scheme: "internet-facing" | "internal";
  certificateArn: string | null;
  health: HealthCheckAttrs;
  shared?: { arn: string; listenerArn: string } | undefined;
}

const tagList = (ctx: EcsCtx) =>
  Object.entries({ ...ownerTags(ctx.stack.id, ctx.target.name), [TAG_MANAGED]: "true" }).map(
    ([Key, Value]) => ({
      Key,
      Value,
    }),
  );

async function describeLb(
  c: EcsClients,
  by: { name?: string; arn?: string },
): Promise<LoadBalancer | undefined> {
  const input = by.arn ? { LoadBalancerArns: [by.arn] } : { Names: [by.name ?? ""] };
  const out = await awsMaybe("DescribeLoadBalancers", c.target, () =>
    c.elb.send(new c.sdk.elb.DescribeLoadBalancersCommand(input)),
  );
  return out?.LoadBalancers?.[0];
}

async function describeTg(c: EcsClients, name: string): Promise<TargetGroup | undefined> {
  const out = await awsMaybe("DescribeTargetGroups", c.target, () =>
    c.elb.send(new c.sdk.elb.DescribeTargetGroupsCommand({ Names: [name] })),
  );
  return out?.TargetGroups?.[0];
}

async function checkOwned(c: EcsClients, arn: string, stackId: string, what: string): Promise<void> {
  const out = await aws("DescribeTags", c.target, () =>
    c.elb.send(new c.sdk.elb.DescribeTagsCommand({ ResourceArns: [arn] })),
  );
  const tags = out.TagDescriptions?.[0]?.Tags ?? [];
  if (tags.some((t) => t.Key === TAG_STACK && t.Value === stackId)) return;
  throw new ProviderError(`${what} exists but apiship did not create it for stack ${stackId}`, {
    code: "NOT_OWNED",
    fault: "user",
    target: c.target,
    hint: "delete or rename it, deploy under another target name, or name it as the target's `loadBalancer`",
  });
}

const healthOf = (tg: TargetGroup | undefined): HealthCheckAttrs => ({
  path: tg?.HealthCheckPath ?? "",
  matcher: tg?.Matcher?.HttpCode ?? "",
  timeoutSeconds: tg?.HealthCheckTimeoutSeconds ?? 0,
  intervalSeconds: tg?.HealthCheckIntervalSeconds ?? 0,
});

/** A deterministic priority on a shared listener (1-50000), from the target's name. */
export function rulePriority(name: string): number {
  const h = shortHash(name, 8);
  let n = 0;
  for (const ch of h) n = (n * 32 + "abcdefghijklmnopqrstuvwxyz234567".indexOf(ch)) % 49_999;
  return n + 1;
}

async function readListener(c: EcsClients, lb: LoadBalancer, shared: LbWant["shared"]) {
  const input = shared
    ? { ListenerArns: [shared.listenerArn] }
    : { LoadBalancerArn: lb.LoadBalancerArn ?? "" };
  const out = await awsMaybe("DescribeListeners", c.target, () =>
    c.elb.send(new c.sdk.elb.DescribeListenersCommand(input)),
  );
  return out?.Listeners?.[0];
}

async function findRule(c: EcsClients, listenerArn: string, tgArn: string): Promise<string | undefined> {
  const out = await awsMaybe("DescribeRules", c.target, () =>
    c.elb.send(new c.sdk.elb.DescribeRulesCommand({ ListenerArn: listenerArn })),
  );
  const rule = out?.Rules?.find((r) => r.Actions?.some((a) => a.TargetGroupArn === tgArn));
  return rule?.RuleArn;
}

/** The load balancer pieces as ELBv2 holds them, or undefined when none is there. */
export async function readLoadBalancer(
  c: EcsClients,
  name: string,
  stackId: string,
  shared: LbWant["shared"],
): Promise<LoadBalancerState | undefined> {
  const tg = await describeTg(c, names.targetGroup(name));
  if (tg?.TargetGroupArn)
    await checkOwned(c, tg.TargetGroupArn, stackId, `target group ${names.targetGroup(name)}`);
  // A shared ALB is only "ours" through the target group apiship put on it.
  if (shared && !tg) return undefined;
  const lb = await describeLb(c, shared ? { arn: shared.arn } : { name: names.loadBalancer(name) });
  if (!lb?.LoadBalancerArn) {
    if (!tg) return undefined;
  } else if (!shared)
    await checkOwned(c, lb.LoadBalancerArn, stackId, `load balancer ${names.loadBalancer(name)}`);
  const listener = lb ? await readListener(c, lb, shared) : undefined;
  const state: LoadBalancerState = {
    region: c.region,
    vpc: lb?.VpcId ?? tg?.VpcId ?? "",
    managed: !shared,
    arn: lb?.LoadBalancerArn ?? "",
    dnsName: lb?.DNSName ?? "",
    scheme: lb?.Scheme ?? "",
    listenerArn: listener?.ListenerArn ?? "",
    protocol: listener?.Protocol === "HTTPS" ? "HTTPS" : "HTTP",
    port: listener?.Port ?? 0,
    certificateArn: listener?.Certificates?.[0]?.CertificateArn ?? null,
    targetGroup: { arn: tg?.TargetGroupArn ?? "", name: names.targetGroup(name), health: healthOf(tg) },
    securityGroups: [...(lb?.SecurityGroups ?? [])].sort(),
  };
  if (shared && listener?.ListenerArn && tg?.TargetGroupArn) {
    const rule = await findRule(c, listener.ListenerArn, tg.TargetGroupArn);
    if (rule) state.ruleArn = rule;
  }
  return state;
}

async function ensureTargetGroup(
  ctx: EcsCtx,
  name: string,
  have: LoadBalancerState | undefined,
  want: LbWant,
) {
  const c = ctx.clients;
  const h = want.health;
  const health = {
    HealthCheckPath: h.path,
    HealthCheckIntervalSeconds: h.intervalSeconds,
    HealthCheckTimeoutSeconds: h.timeoutSeconds,
    Matcher: { HttpCode: h.matcher },
  };
  const arn = have?.targetGroup.arn;
  if (arn) {
    if (JSON.stringify(have.targetGroup.health) !== JSON.stringify(h)) {
      await aws("ModifyTargetGroup", c.target, () =>
        c.elb.send(new c.sdk.elb.ModifyTargetGroupCommand({ TargetGroupArn: arn, ...health })),
      );
    }
    return arn;
  }
  ctx.progress.step("create target group");
  const out = await aws("CreateTargetGroup", c.target, () =>
    c.elb.send(
      new c.sdk.elb.CreateTargetGroupCommand({
        Name: names.targetGroup(name),
        Protocol: "HTTP",
        Port: 80,
        VpcId: want.vpc,
        TargetType: "ip",
        HealthCheckProtocol: "HTTP",
        ...health,
        Tags: tagList(ctx),
      }),
    ),
  );
  ctx.progress.done("create target group");
  return out.TargetGroups?.[0]?.TargetGroupArn ?? "";
}

/**
 * A shared ALB's scheme is the user's; apiship does not change it. `access: private` behind an
 * internet-facing one would publish the service, so that is refused before its listener rule
 * exists (the plan refuses it too once read() has seen the ALB).
 */
export function assertSharedScheme(want: Pick<LbWant, "shared" | "scheme">, scheme: string, target: string) {
  if (want.shared && want.scheme === "internal" && scheme === "internet-facing")
    throw new ProviderError("access: private, but the shared loadBalancer is internet-facing", {
      code: "UNSUPPORTED",
      fault: "user",
      target,
      hint: "use an internal ALB as loadBalancer.arn, drop loadBalancer: to let apiship make an internal one, or use access: public",
    });
}

async function ensureAlb(ctx: EcsCtx, name: string, have: LoadBalancerState | undefined, want: LbWant) {
  const c = ctx.clients;
  if (want.shared) {
    const lb = have?.arn ? undefined : await describeLb(c, { arn: want.shared.arn });
    return {
      arn: want.shared.arn,
      dnsName: have?.dnsName || (lb?.DNSName ?? ""),
      scheme: have?.scheme || (lb?.Scheme ?? ""),
      securityGroups: have?.arn ? have.securityGroups : [...(lb?.SecurityGroups ?? [])].sort(),
    };
  }
  if (have?.arn)
    return { arn: have.arn, dnsName: have.dnsName, scheme: have.scheme, securityGroups: have.securityGroups };
  ctx.progress.step("create load balancer");
  const out = await aws("CreateLoadBalancer", c.target, () =>
    c.elb.send(
      new c.sdk.elb.CreateLoadBalancerCommand({
        Name: names.loadBalancer(name),
        Type: "application",
        Scheme: want.scheme,
        IpAddressType: "ipv4",
        Subnets: want.subnets,
        SecurityGroups: want.securityGroups,
        Tags: tagList(ctx),
      }),
    ),
  );
  ctx.progress.done("create load balancer");
  const lb = out.LoadBalancers?.[0];
  return {
    arn: lb?.LoadBalancerArn ?? "",
    dnsName: lb?.DNSName ?? "",
    scheme: lb?.Scheme ?? want.scheme,
    securityGroups: [...want.securityGroups].sort(),
  };
}

async function ensureListener(
  ctx: EcsCtx,
  have: LoadBalancerState | undefined,
  lbArn: string,
  tgArn: string,
  want: LbWant,
) {
  const c = ctx.clients;
  const protocol = want.certificateArn ? "HTTPS" : "HTTP";
  if (have?.listenerArn && have.protocol === protocol && have.certificateArn === want.certificateArn) {
    return { arn: have.listenerArn, protocol, port: have.port } as const;
  }
  // HTTP ↔ HTTPS is a different port: the old listener goes, the new one comes.
  if (have?.listenerArn) await deleteListener(c, have.listenerArn);
  const port = want.certificateArn ? 443 : 80;
  const out = await aws("CreateListener", c.target, () =>
    c.elb.send(
      new c.sdk.elb.CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: protocol,
        Port: port,
        ...(want.certificateArn ? { Certificates: [{ CertificateArn: want.certificateArn }] } : {}),
        DefaultActions: [{ Type: "forward", TargetGroupArn: tgArn }],
        Tags: tagList(ctx),
      }),
    ),
  );
  return { arn: out.Listeners?.[0]?.ListenerArn ?? "", protocol, port } as const;
}

async function ensureRule(ctx: EcsCtx, name: string, listenerArn: string, tgArn: string): Promise<string> {
  const c = ctx.clients;
  const out = await aws("CreateRule", c.target, () =>
    c.elb.send(
      new c.sdk.elb.CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: rulePriority(name),
        // Without a host or path in the manifest, the service takes every request the listener's
        // higher-priority rules leave.
        Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/*"] } }],
        Actions: [{ Type: "forward", TargetGroupArn: tgArn }],
        Tags: tagList(ctx),
      }),
    ),
  );
  return out.Rules?.[0]?.RuleArn ?? "";
}

export async function ensureLoadBalancer(
  ctx: EcsCtx,
  name: string,
  have: LoadBalancerState | undefined,
  want: LbWant,
): Promise<LoadBalancerState> {
  const tgArn = await ensureTargetGroup(ctx, name, have, want);
  const lb = await ensureAlb(ctx, name, have, want);
  assertSharedScheme(want, lb.scheme, ctx.target.name);
  const state: LoadBalancerState = {
    region: want.region,
    vpc: want.vpc,
    managed: !want.shared,
    arn: lb.arn,
    dnsName: lb.dnsName,
    scheme: lb.scheme,
    listenerArn: "",
    protocol: "HTTP",
    port: 80,
    certificateArn: want.shared ? null : want.certificateArn,
    targetGroup: { arn: tgArn, name: names.targetGroup(name), health: { ...want.health } },
    securityGroups: lb.securityGroups,
  };
  if (want.shared) {
    const listener = await readListener(ctx.clients, { LoadBalancerArn: lb.arn }, want.shared);
    Object.assign(state, {
      listenerArn: want.shared.listenerArn,
      protocol: listener?.Protocol === "HTTPS" ? "HTTPS" : "HTTP",
      port: listener?.Port ?? 80,
    });
    state.ruleArn = have?.ruleArn ?? (await ensureRule(ctx, name, want.shared.listenerArn, tgArn));
    return state;
  }
  const listener = await ensureListener(ctx, have, lb.arn, tgArn, want);
  return { ...state, listenerArn: listener.arn, protocol: listener.protocol, port: listener.port };
}

async function deleteListener(c: EcsClients, arn: string): Promise<void> {
  await awsMaybe("DeleteListener", c.target, () =>
    c.elb.send(new c.sdk.elb.DeleteListenerCommand({ ListenerArn: arn })),
  );
}

/** Reverse order; an existing ALB and listener named by the target are left alone. */
export async function deleteLoadBalancer(ctx: EcsCtx, c: EcsClients, s: LoadBalancerState): Promise<void> {
  if (s.ruleArn) {
    const ruleArn = s.ruleArn;
    await awsMaybe("DeleteRule", c.target, () =>
      c.elb.send(new c.sdk.elb.DeleteRuleCommand({ RuleArn: ruleArn })),
    );
  }
  if (s.managed) {
    if (s.listenerArn) await deleteListener(c, s.listenerArn);
    if (s.arn) {
      await awsMaybe("DeleteLoadBalancer", c.target, () =>
        c.elb.send(new c.sdk.elb.DeleteLoadBalancerCommand({ LoadBalancerArn: s.arn })),
      );
    }
  }
  if (!s.targetGroup.arn) return;
  const TargetGroupArn = s.targetGroup.arn;
  // A target group stays "in use" until the listener or rule using it is gone.
  await poll(
    async () => {
      try {
        await c.elb.send(new c.sdk.elb.DeleteTargetGroupCommand({ TargetGroupArn }));
        return true;
      } catch (e) {
        const err = mapAwsError(e, "DeleteTargetGroup", c.target);
        if (/NotFound/.test(err.code)) return true;
        if (/ResourceInUse/.test(err.code)) return false;
        throw err;
      }
    },
    (done) => done,
    {
      what: `target group ${s.targetGroup.name} to be free`,
      intervalMs: c.pollIntervalMs,
      timeoutMs: 300_000,
      signal: ctx.signal,
    },
  );
}
