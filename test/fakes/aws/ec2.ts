// The fake's EC2 (ec2 query protocol): the default VPC and its subnets, and security groups with
// ingress rules and tags. A group still used by a load balancer or a live ECS service cannot be
// deleted (DependencyViolation), as their network interfaces hold it in the real service.

import { fail, ok } from "./containers.js";
import type { Op, Params } from "./containers.js";
import { hexId } from "./containers-world.js";
import type { FakeWorld } from "./world.js";

const list = (v: unknown): Params[] => (Array.isArray(v) ? (v as Params[]) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function filtersOf(input: Params): Record<string, string[]> {
  return Object.fromEntries(list(input.Filter).map((f) => [String(f.Name), strings(f.Value)]));
}

function matches(filters: Record<string, string[]>, values: Record<string, string | undefined>): boolean {
  return Object.entries(filters).every(([k, vs]) => {
    if (k.startsWith("tag:")) return vs.includes(values[k] ?? "\0");
    return !(k in values) || vs.includes(values[k] ?? "\0");
  });
}

const describeVpcs: Op = (w, input) => {
  const ids = strings(input.VpcId);
  const f = filtersOf(input);
  const vpcs = w.ec2.vpcs.filter(
    (v) =>
      (ids.length === 0 || ids.includes(v.vpcId)) &&
      matches(f, { "is-default": String(v.isDefault), "vpc-id": v.vpcId }),
  );
  const missing = ids.find((id) => !w.ec2.vpcs.some((v) => v.vpcId === id));
  if (missing) return fail("InvalidVpcID.NotFound", `The vpc ID '${missing}' does not exist`);
  return ok({ vpcSet: vpcs.map((v) => ({ ...v, state: "available", ownerId: w.account })) });
};

const describeSubnets: Op = (w, input) => {
  const f = filtersOf(input);
  const subnets = w.ec2.subnets.filter((s) =>
    matches(f, { "vpc-id": s.vpcId, "default-for-az": String(s.defaultForAz), "subnet-id": s.subnetId }),
  );
  return ok({ subnetSet: subnets.map((s) => ({ ...s, state: "available", availableIpAddressCount: 4091 })) });
};

function tagSpec(input: Params): Record<string, string> {
  const spec = list(input.TagSpecification).find((t) => t.ResourceType === "security-group");
  return Object.fromEntries(list(spec?.Tag).map((t) => [String(t.Key), String(t.Value)]));
}

const createSecurityGroup: Op = (w, input) => {
  const name = String(input.GroupName ?? "");
  const vpcId = String(input.VpcId ?? w.ec2.vpcs.find((v) => v.isDefault)?.vpcId ?? "");
  if (!w.ec2.vpcs.some((v) => v.vpcId === vpcId))
    return fail("InvalidVpcID.NotFound", `The vpc ID '${vpcId}' does not exist`);
  if ([...w.ec2.groups.values()].some((g) => g.groupName === name && g.vpcId === vpcId))
    return fail("InvalidGroup.Duplicate", `The security group '${name}' already exists for VPC '${vpcId}'`);
  const groupId = `sg-0${hexId(16)}`;
  w.ec2.groups.set(groupId, {
    groupId,
    groupName: name,
    description: String(input.GroupDescription ?? ""),
    vpcId,
    ingress: [],
    tags: tagSpec(input),
  });
  return ok({ groupId, tagSet: Object.entries(tagSpec(input)).map(([key, value]) => ({ key, value })) });
};

const authorizeIngress: Op = (w, input) => {
  const g = w.ec2.groups.get(String(input.GroupId ?? ""));
  if (!g)
    return fail("InvalidGroup.NotFound", `The security group '${String(input.GroupId)}' does not exist`);
  for (const p of list(input.IpPermissions)) {
    const rule = {
      ipProtocol: p.IpProtocol,
      fromPort: Number(p.FromPort),
      toPort: Number(p.ToPort),
      ipRanges: list(p.IpRanges).map((r) => ({ cidrIp: r.CidrIp })),
      groups: list(p.Groups).map((x) => ({ groupId: x.GroupId, userId: w.account })),
    };
    if (g.ingress.some((r) => JSON.stringify(r) === JSON.stringify(rule)))
      return fail("InvalidPermission.Duplicate", "the specified rule already exists");
    g.ingress.push(rule);
  }
  return ok({ return: true });
};

const describeSecurityGroups: Op = (w, input) => {
  const f = filtersOf(input);
  const ids = strings(input.GroupId);
  const missing = ids.find((id) => !w.ec2.groups.has(id));
  if (missing) return fail("InvalidGroup.NotFound", `The security group '${missing}' does not exist`);
  const groups = [...w.ec2.groups.values()].filter((g) => {
    const tags = Object.fromEntries(Object.entries(g.tags).map(([k, v]) => [`tag:${k}`, v]));
    return (
      (ids.length === 0 || ids.includes(g.groupId)) &&
      matches(f, { "group-name": g.groupName, "vpc-id": g.vpcId, ...tags })
    );
  });
  const securityGroupInfo = groups.map((g) => ({
    ownerId: w.account,
    groupId: g.groupId,
    groupName: g.groupName,
    groupDescription: g.description,
    vpcId: g.vpcId,
    ipPermissions: g.ingress,
    tagSet: Object.entries(g.tags).map(([key, value]) => ({ key, value })),
  }));
  return ok({ securityGroupInfo });
};

function inUse(w: FakeWorld, id: string): boolean {
  if ([...w.elb.loadBalancers.values()].some((lb) => lb.securityGroups.includes(id))) return true;
  return [...w.ecs.services.values()].some((s) => {
    const net = (s.input.networkConfiguration as Params | undefined)?.awsvpcConfiguration as
      Params | undefined;
    return s.status === "ACTIVE" && strings(net?.securityGroups).includes(id);
  });
}

const deleteSecurityGroup: Op = (w, input) => {
  const id = String(input.GroupId ?? "");
  if (!w.ec2.groups.has(id))
    return fail("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
  if (inUse(w, id)) return fail("DependencyViolation", `resource ${id} has a dependent object`);
  w.ec2.groups.delete(id);
  return ok({ return: true });
};

const createTags: Op = (w, input) => {
  for (const id of strings(input.ResourceId)) {
    const g = w.ec2.groups.get(id);
    if (!g) return fail("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
    for (const t of list(input.Tag)) g.tags[String(t.Key)] = String(t.Value ?? "");
  }
  return ok({ return: true });
};

export const EC2_OPS: Record<string, Op> = {
  DescribeVpcs: describeVpcs,
  DescribeSubnets: describeSubnets,
  CreateSecurityGroup: createSecurityGroup,
  AuthorizeSecurityGroupIngress: authorizeIngress,
  DescribeSecurityGroups: describeSecurityGroups,
  DeleteSecurityGroup: deleteSecurityGroup,
  CreateTags: createTags,
};
