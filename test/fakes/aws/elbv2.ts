// The fake's Elastic Load Balancing v2 (awsQuery): Application Load Balancers, target groups,
// listeners, listener rules and their tags. Error codes are the model's awsQueryError codes
// (LoadBalancerNotFound, TargetGroupNotFound, ResourceInUse, PriorityInUse, ...).

import { fail, ok } from "./containers.js";
import type { Op, OpResult, Params } from "./containers.js";
import { hexId } from "./containers-world.js";
import type { FakeWorld } from "./world.js";

const list = (v: unknown): Params[] => (Array.isArray(v) ? (v as Params[]) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const arn = (w: FakeWorld, rest: string) => `arn:aws:elasticloadbalancing:${w.region}:${w.account}:${rest}`;
const tagsOf = (input: Params) =>
  Object.fromEntries(list(input.Tags).map((t) => [String(t.Key), String(t.Value ?? "")]));
const forwards = (actions: Params[]) =>
  actions.filter((a) => a.Type === "forward").map((a) => String(a.TargetGroupArn));

const createLoadBalancer: Op = (w, input) => {
  const name = String(input.Name ?? "");
  if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/.test(name) || name.startsWith("internal-"))
    return fail("ValidationError", `The load balancer name '${name}' is not valid`);
  const existing = [...w.elb.loadBalancers.values()].find((lb) => lb.name === name);
  if (existing) return ok({ LoadBalancers: [existing] });
  const subnets = strings(input.Subnets).map((id) => w.ec2.subnets.find((s) => s.subnetId === id));
  if (subnets.some((s) => !s)) return fail("SubnetNotFound", "One or more subnets not found");
  if (new Set(subnets.map((s) => s?.availabilityZone)).size < 2)
    return fail(
      "ValidationError",
      "At least two subnets in two different Availability Zones must be specified",
    );
  const id = hexId(16);
  const scheme = String(input.Scheme ?? "internet-facing");
  const lb = {
    arn: arn(w, `loadbalancer/app/${name}/${id}`),
    name,
    LoadBalancerArn: arn(w, `loadbalancer/app/${name}/${id}`),
    LoadBalancerName: name,
    DNSName:
      w.elb.dnsNameFor?.(name, scheme) ??
      `${scheme === "internal" ? "internal-" : ""}${name}-${id.slice(0, 10)}.${w.region}.elb.amazonaws.com`,
    CanonicalHostedZoneId: "Z35SXDOTRQ7X7K",
    Scheme: scheme,
    VpcId: subnets[0]?.vpcId,
    State: { Code: "active" },
    Type: "application",
    AvailabilityZones: subnets.map((s) => ({ ZoneName: s?.availabilityZone, SubnetId: s?.subnetId })),
    SecurityGroups: strings(input.SecurityGroups),
    securityGroups: strings(input.SecurityGroups),
    IpAddressType: "ipv4",
  };
  w.elb.loadBalancers.set(lb.arn, lb);
  w.elb.tags.set(lb.arn, tagsOf(input));
  return ok({ LoadBalancers: [lbJson(lb)] });
};

const lbJson = (lb: Params) => Object.fromEntries(Object.entries(lb).filter(([k]) => /^[A-Z]/.test(k)));

const describeLoadBalancers: Op = (w, input) => {
  const arns = strings(input.LoadBalancerArns);
  const nameList = strings(input.Names);
  const all = [...w.elb.loadBalancers.values()];
  const found = all.filter(
    (lb) => arns.includes(lb.arn) || nameList.includes(lb.name) || arns.length + nameList.length === 0,
  );
  if (found.length < arns.length + nameList.length)
    return fail("LoadBalancerNotFound", "One or more load balancers not found");
  return ok({ LoadBalancers: found.map(lbJson) });
};

const deleteLoadBalancer: Op = (w, input) => {
  const a = String(input.LoadBalancerArn ?? "");
  for (const [k, l] of w.elb.listeners) if (l.lbArn === a) deleteListenerAt(w, k);
  w.elb.loadBalancers.delete(a);
  w.elb.tags.delete(a);
  return ok({});
};

function tgJson(w: FakeWorld, tg: Params & { arn: string }): Params {
  const users = [...w.elb.listeners.values(), ...w.elb.rules.values()].filter((l) =>
    l.tgArns.includes(tg.arn),
  );
  const lbArns = [
    ...new Set(
      users.map((u) =>
        "lbArn" in u ? String(u.lbArn) : String(w.elb.listeners.get(String(u.listenerArn))?.lbArn),
      ),
    ),
  ];
  return { ...lbJson(tg), LoadBalancerArns: lbArns };
}

const HEALTH = [
  "HealthCheckPath",
  "HealthCheckIntervalSeconds",
  "HealthCheckTimeoutSeconds",
  "HealthyThresholdCount",
  "UnhealthyThresholdCount",
  "Matcher",
  "HealthCheckProtocol",
  "HealthCheckPort",
  "HealthCheckEnabled",
];

function healthOf(input: Params, base: Params = {}): Params | OpResult {
  const out: Params = { ...base };
  for (const k of HEALTH)
    if (input[k] !== undefined) out[k] = /Seconds|Count/.test(k) ? Number(input[k]) : input[k];
  if (Number(out.HealthCheckTimeoutSeconds) >= Number(out.HealthCheckIntervalSeconds))
    return fail("ValidationError", "Health check timeout must be smaller than the interval");
  return out;
}

const createTargetGroup: Op = (w, input) => {
  const name = String(input.Name ?? "");
  if (!/^[a-zA-Z0-9-]{1,32}$/.test(name))
    return fail("ValidationError", `Target group name '${name}' is not valid`);
  if ([...w.elb.targetGroups.values()].some((t) => t.name === name))
    return fail(
      "DuplicateTargetGroupName",
      "A target group with the same name exists, but with different settings",
    );
  const health = healthOf(input, {
    HealthCheckPath: "/",
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: 5,
    HealthyThresholdCount: 5,
    UnhealthyThresholdCount: 2,
    Matcher: { HttpCode: "200" },
    HealthCheckProtocol: "HTTP",
    HealthCheckPort: "traffic-port",
    HealthCheckEnabled: true,
  });
  if ("error" in health) return health;
  const a = arn(w, `targetgroup/${name}/${hexId(16)}`);
  const tg = {
    arn: a,
    name,
    TargetGroupArn: a,
    TargetGroupName: name,
    Protocol: input.Protocol,
    Port: Number(input.Port),
    VpcId: input.VpcId,
    TargetType: input.TargetType ?? "instance",
    ...health,
  };
  w.elb.targetGroups.set(a, tg);
  w.elb.tags.set(a, tagsOf(input));
  return ok({ TargetGroups: [tgJson(w, tg)] });
};

const describeTargetGroups: Op = (w, input) => {
  const arns = strings(input.TargetGroupArns);
  const nameList = strings(input.Names);
  const all = [...w.elb.targetGroups.values()];
  const found = all.filter(
    (t) => arns.includes(t.arn) || nameList.includes(t.name) || arns.length + nameList.length === 0,
  );
  if (found.length < arns.length + nameList.length)
    return fail("TargetGroupNotFound", "One or more target groups not found");
  return ok({ TargetGroups: found.map((t) => tgJson(w, t)) });
};

const modifyTargetGroup: Op = (w, input) => {
  const tg = w.elb.targetGroups.get(String(input.TargetGroupArn ?? ""));
  if (!tg) return fail("TargetGroupNotFound", "One or more target groups not found");
  const health = healthOf(input, tg);
  if ("error" in health) return health;
  Object.assign(tg, health);
  return ok({ TargetGroups: [tgJson(w, tg)] });
};

const deleteTargetGroup: Op = (w, input) => {
  const a = String(input.TargetGroupArn ?? "");
  if ([...w.elb.listeners.values(), ...w.elb.rules.values()].some((l) => l.tgArns.includes(a)))
    return fail("ResourceInUse", `Target group '${a}' is currently in use by a listener or a rule`);
  w.elb.targetGroups.delete(a);
  w.elb.tags.delete(a);
  return ok({});
};

const createListener: Op = (w, input) => {
  const lb = w.elb.loadBalancers.get(String(input.LoadBalancerArn ?? ""));
  if (!lb) return fail("LoadBalancerNotFound", "One or more load balancers not found");
  const actions = list(input.DefaultActions);
  const tgArns = forwards(actions);
  if (tgArns.some((t) => !w.elb.targetGroups.has(t)))
    return fail("TargetGroupNotFound", "One or more target groups not found");
  if (input.Protocol === "HTTPS" && list(input.Certificates).length === 0)
    return fail("CertificateNotFound", "A certificate must be specified for HTTPS listeners");
  const port = Number(input.Port);
  if ([...w.elb.listeners.values()].some((l) => l.lbArn === lb.arn && l.Port === port))
    return fail("DuplicateListener", "A listener already exists on this port for this load balancer");
  const a = arn(w, `listener/app/${lb.name}/${lb.arn.split("/").pop() ?? ""}/${hexId(16)}`);
  const l = {
    arn: a,
    lbArn: lb.arn,
    tgArns,
    ListenerArn: a,
    LoadBalancerArn: lb.arn,
    Port: port,
    Protocol: input.Protocol,
    Certificates: list(input.Certificates),
    DefaultActions: actions,
  };
  w.elb.listeners.set(a, l);
  w.elb.tags.set(a, tagsOf(input));
  return ok({ Listeners: [lbJson(l)] });
};

const describeListeners: Op = (w, input) => {
  const arns = strings(input.ListenerArns);
  if (input.LoadBalancerArn !== undefined) {
    if (!w.elb.loadBalancers.has(String(input.LoadBalancerArn)))
      return fail("LoadBalancerNotFound", "One or more load balancers not found");
    return ok({
      Listeners: [...w.elb.listeners.values()].filter((l) => l.lbArn === input.LoadBalancerArn).map(lbJson),
    });
  }
  const found = arns.map((a) => w.elb.listeners.get(a));
  if (found.some((l) => !l)) return fail("ListenerNotFound", "One or more listeners not found");
  return ok({ Listeners: found.map((l) => lbJson(l ?? {})) });
};

function deleteListenerAt(w: FakeWorld, a: string): void {
  for (const [k, r] of w.elb.rules) if (r.listenerArn === a) w.elb.rules.delete(k);
  w.elb.listeners.delete(a);
  w.elb.tags.delete(a);
}

const deleteListener: Op = (w, input) => {
  const a = String(input.ListenerArn ?? "");
  if (!w.elb.listeners.has(a)) return fail("ListenerNotFound", "One or more listeners not found");
  deleteListenerAt(w, a);
  return ok({});
};

const createRule: Op = (w, input) => {
  const l = w.elb.listeners.get(String(input.ListenerArn ?? ""));
  if (!l) return fail("ListenerNotFound", "One or more listeners not found");
  const priority = String(input.Priority ?? "");
  if ([...w.elb.rules.values()].some((r) => r.listenerArn === l.arn && r.priority === priority))
    return fail("PriorityInUse", `Priority '${priority}' is currently in use`);
  const actions = list(input.Actions);
  const tgArns = forwards(actions);
  if (tgArns.some((t) => !w.elb.targetGroups.has(t)))
    return fail("TargetGroupNotFound", "One or more target groups not found");
  const a = arn(w, `listener-rule/app/${l.arn.split("/").slice(2).join("/")}/${hexId(16)}`);
  const r = {
    arn: a,
    listenerArn: l.arn,
    priority,
    tgArns,
    RuleArn: a,
    Priority: priority,
    Conditions: list(input.Conditions),
    Actions: actions,
    IsDefault: false,
  };
  w.elb.rules.set(a, r);
  w.elb.tags.set(a, tagsOf(input));
  return ok({ Rules: [lbJson(r)] });
};

const describeRules: Op = (w, input) => {
  const l = w.elb.listeners.get(String(input.ListenerArn ?? ""));
  if (!l) return fail("ListenerNotFound", "One or more listeners not found");
  const rules = [...w.elb.rules.values()].filter((r) => r.listenerArn === l.arn).map(lbJson);
  rules.push({
    RuleArn: `${l.arn}/default`,
    Priority: "default",
    Conditions: [],
    Actions: l.DefaultActions,
    IsDefault: true,
  });
  return ok({ Rules: rules });
};

const deleteRule: Op = (w, input) => {
  const a = String(input.RuleArn ?? "");
  if (!w.elb.rules.has(a)) return fail("RuleNotFound", "One or more rules not found");
  w.elb.rules.delete(a);
  w.elb.tags.delete(a);
  return ok({});
};

const describeTags: Op = (w, input) => {
  const arns = strings(input.ResourceArns);
  const missing = arns.find((a) => !w.elb.tags.has(a));
  if (missing)
    return fail(
      missing.includes(":targetgroup/") ? "TargetGroupNotFound" : "LoadBalancerNotFound",
      `Resource ${missing} not found`,
    );
  const TagDescriptions = arns.map((a) => ({
    ResourceArn: a,
    Tags: Object.entries(w.elb.tags.get(a) ?? {}).map(([Key, Value]) => ({ Key, Value })),
  }));
  return ok({ TagDescriptions });
};

export const ELB_OPS: Record<string, Op> = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  DeleteLoadBalancer: deleteLoadBalancer,
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  ModifyTargetGroup: modifyTargetGroup,
  DeleteTargetGroup: deleteTargetGroup,
  CreateListener: createListener,
  DescribeListeners: describeListeners,
  DeleteListener: deleteListener,
  CreateRule: createRule,
  DescribeRules: describeRules,
  DeleteRule: deleteRule,
  DescribeTags: describeTags,
};
