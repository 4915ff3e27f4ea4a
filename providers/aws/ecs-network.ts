// The network of an aws/ecs-fargate target: the VPC and subnets (the target's, or the region's
// default VPC and its default subnets, found through EC2) and the two security groups apiship
// makes: the load balancer's (open on 80/443 to the internet for `access: public`, to the VPC for
// private) and the tasks' (the container port, from the load balancer's groups only).

import type { IpPermission, SecurityGroup } from "@aws-sdk/client-ec2";
import type { Ctx } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { poll } from "../_shared/poll.js";
import type { EcsClients } from "./clients.js";
import { aws, mapAwsError } from "./errors.js";
import { TAG_MANAGED, TAG_STACK, names, ownerTags } from "./ecs-state.js";
import type { NetworkState } from "./ecs-state.js";

export type EcsCtx = Ctx<EcsClients>;

export interface Placement {
  vpc: string;
  subnets: string[];
  /** Only looked up when a private load balancer needs it. */
  cidr?: string;
}

const tagsOf = (g: SecurityGroup) =>
  Object.fromEntries((g.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));

async function defaultVpc(c: EcsClients): Promise<{ id: string; cidr: string }> {
  const out = await aws("DescribeVpcs", c.target, () =>
    c.ec2.send(new c.sdk.ec2.DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] })),
  );
  const vpc = out.Vpcs?.[0];
  if (!vpc?.VpcId) {
    throw new ProviderError(`region ${c.region} has no default VPC`, {
      code: "NO_DEFAULT_VPC",
      fault: "user",
      target: c.target,
      hint: "name the target's `vpc` and `subnets`, or create a default VPC (aws ec2 create-default-vpc)",
    });
  }
  return { id: vpc.VpcId, cidr: vpc.CidrBlock ?? "" };
}

async function vpcCidr(c: EcsClients, vpc: string): Promise<string> {
  const out = await aws("DescribeVpcs", c.target, () =>
    c.ec2.send(new c.sdk.ec2.DescribeVpcsCommand({ VpcIds: [vpc] })),
  );
  return out.Vpcs?.[0]?.CidrBlock ?? "";
}

async function subnetsOf(c: EcsClients, vpc: string, defaults: boolean): Promise<string[]> {
  const Filters = [{ Name: "vpc-id", Values: [vpc] }];
  if (defaults) Filters.push({ Name: "default-for-az", Values: ["true"] });
  const out = await aws("DescribeSubnets", c.target, () =>
    c.ec2.send(new c.sdk.ec2.DescribeSubnetsCommand({ Filters })),
  );
  const ids = (out.Subnets ?? [])
    .map((s) => s.SubnetId ?? "")
    .filter(Boolean)
    .sort();
  if (ids.length === 0) {
    throw new ProviderError(`VPC ${vpc} has no subnets to run the tasks in`, {
      code: "NO_SUBNETS",
      fault: "user",
      target: c.target,
      hint: "name the target's `subnets`",
    });
  }
  return ids;
}

/** Where the target runs: options first, then what is live, then the default VPC. */
export async function resolvePlacement(
  c: EcsClients,
  opts: { vpc?: string | undefined; subnets?: string[] | undefined },
  live: NetworkState | undefined,
  needCidr: boolean,
): Promise<Placement> {
  let vpc = opts.vpc ?? live?.vpc;
  let cidr: string | undefined;
  if (!vpc) ({ id: vpc, cidr } = await defaultVpc(c));
  const reuse = live?.vpc === vpc && live.subnets.length > 0;
  const subnets = opts.subnets
    ? [...opts.subnets].sort()
    : reuse
      ? live.subnets
      : await subnetsOf(c, vpc, !opts.vpc);
  if (needCidr && cidr === undefined) cidr = await vpcCidr(c, vpc);
  return cidr === undefined ? { vpc, subnets } : { vpc, subnets, cidr };
}

/** apiship's two groups of a target, by name, as EC2 holds them. */
export async function readGroups(c: EcsClients, name: string, stackId: string): Promise<SecurityGroup[]> {
  const wanted = [names.lbGroup(name), names.taskGroup(name)];
  const out = await aws("DescribeSecurityGroups", c.target, () =>
    c.ec2.send(
      new c.sdk.ec2.DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-name", Values: wanted }] }),
    ),
  );
  // Same-named groups of other stacks (or VPCs) are not ours.
  return (out.SecurityGroups ?? []).filter((g) => tagsOf(g)[TAG_STACK] === stackId);
}

const portsOf = (g: SecurityGroup) =>
  [...new Set((g.IpPermissions ?? []).map((p) => p.FromPort ?? 0))].sort((a, b) => a - b);

/** NetworkState of the live groups; vpc/subnets as recorded or given. */
export function toNetworkState(
  groups: SecurityGroup[],
  name: string,
  region: string,
  placement: { vpc?: string | undefined; subnets?: string[] | undefined },
): NetworkState | undefined {
  const lb = groups.find((g) => g.GroupName === names.lbGroup(name));
  const tasks = groups.find((g) => g.GroupName === names.taskGroup(name));
  const vpc = lb?.VpcId ?? tasks?.VpcId ?? placement.vpc;
  if (!vpc) return undefined;
  const s: NetworkState = { region, vpc, subnets: placement.subnets ?? [] };
  if (lb?.GroupId) {
    const cidr = lb.IpPermissions?.[0]?.IpRanges?.[0]?.CidrIp === "0.0.0.0/0" ? "0.0.0.0/0" : "vpc";
    s.lbGroup = { id: lb.GroupId, name: names.lbGroup(name), ports: portsOf(lb), cidr };
  }
  if (tasks?.GroupId)
    s.taskGroup = { id: tasks.GroupId, name: names.taskGroup(name), port: portsOf(tasks)[0] ?? 0 };
  return s;
}

async function createGroup(ctx: EcsCtx, groupName: string, vpc: string, what: string): Promise<string> {
  const c = ctx.clients;
  const Tags = Object.entries({ ...ownerTags(ctx.stack.id, ctx.target.name), [TAG_MANAGED]: "true" }).map(
    ([Key, Value]) => ({ Key, Value }),
  );
  const out = await aws("CreateSecurityGroup", c.target, () =>
    c.ec2.send(
      new c.sdk.ec2.CreateSecurityGroupCommand({
        GroupName: groupName,
        Description: `apiship ${what} of ${ctx.stack.id} ${ctx.target.name}`,
        VpcId: vpc,
        TagSpecifications: [{ ResourceType: "security-group", Tags }],
      }),
    ),
  );
  return out.GroupId ?? "";
}

async function authorize(c: EcsClients, groupId: string, perms: IpPermission[]): Promise<void> {
  if (perms.length === 0) return;
  await aws("AuthorizeSecurityGroupIngress", c.target, () =>
    c.ec2.send(
      new c.sdk.ec2.AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: perms }),
    ),
  );
}

/** The load balancer's group: created when missing, with the listener ports it lacks opened. */
export async function ensureLbGroup(
  ctx: EcsCtx,
  name: string,
  have: NetworkState["lbGroup"],
  want: { vpc: string; ports: number[]; cidr: string; realCidr: string },
): Promise<NonNullable<NetworkState["lbGroup"]>> {
  const groupName = names.lbGroup(name);
  const id = have?.id ?? (await createGroup(ctx, groupName, want.vpc, "load balancer"));
  const missing = want.ports.filter((p) => !have?.ports.includes(p));
  await authorize(
    ctx.clients,
    id,
    missing.map((p) => ({
      IpProtocol: "tcp",
      FromPort: p,
      ToPort: p,
      IpRanges: [{ CidrIp: want.realCidr }],
    })),
  );
  return { id, name: groupName, ports: [...want.ports], cidr: want.cidr };
}

/** The tasks' group: the container port, from the load balancer's groups only. */
export async function ensureTaskGroup(
  ctx: EcsCtx,
  name: string,
  have: NetworkState["taskGroup"],
  want: { vpc: string; port: number; from: string[] },
): Promise<NonNullable<NetworkState["taskGroup"]>> {
  const groupName = names.taskGroup(name);
  const id = have?.id ?? (await createGroup(ctx, groupName, want.vpc, "tasks"));
  if (have?.port !== want.port) {
    const UserIdGroupPairs = want.from.map((GroupId) => ({ GroupId }));
    await authorize(ctx.clients, id, [
      { IpProtocol: "tcp", FromPort: want.port, ToPort: want.port, UserIdGroupPairs },
    ]);
  }
  return { id, name: groupName, port: want.port };
}

/** Deletes a group; waits out the network interfaces an ALB or task leaves behind for a while. */
export async function deleteGroup(ctx: EcsCtx, c: EcsClients, id: string): Promise<void> {
  await poll(
    async () => {
      try {
        await c.ec2.send(new c.sdk.ec2.DeleteSecurityGroupCommand({ GroupId: id }));
        return true;
      } catch (e) {
        const err = mapAwsError(e, "DeleteSecurityGroup", c.target);
        if (err.code === "InvalidGroup.NotFound") return true;
        if (err.code === "DependencyViolation") return false;
        throw err;
      }
    },
    (done) => done,
    {
      what: `security group ${id} to be free`,
      intervalMs: c.pollIntervalMs,
      timeoutMs: 600_000,
      signal: ctx.signal,
    },
  );
}
