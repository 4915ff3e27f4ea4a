// The fake's IAM and STS (awsQuery: form-encoded `Action=` requests, XML answers): the role
// operations the Lambda adapter uses, and GetCallerIdentity.

import type { FakeResponse } from "../_shared/server.js";
import { queryError, queryResponse } from "./protocol.js";
import type { FakeRole, FakeWorld } from "./world.js";

type Params = URLSearchParams;

function tagsFrom(p: Params): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; p.has(`Tags.member.${i}.Key`); i++)
    out[p.get(`Tags.member.${i}.Key`) ?? ""] = p.get(`Tags.member.${i}.Value`) ?? "";
  return out;
}

function roleXml(r: FakeRole): object {
  return {
    Path: "/",
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: r.created,
    AssumeRolePolicyDocument: encodeURIComponent(r.trust),
    MaxSessionDuration: 3600,
    Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

const noSuchRole = (name: string) =>
  queryError("iam", 404, "NoSuchEntity", `The role with name ${name} cannot be found.`);

type Op = (w: FakeWorld, p: Params) => FakeResponse;

const IAM_OPS: Record<string, Op> = {
  CreateRole: (w, p) => {
    const name = p.get("RoleName") ?? "";
    if (w.roles.has(name))
      return queryError("iam", 409, "EntityAlreadyExists", `Role with name ${name} already exists.`);
    const trust = p.get("AssumeRolePolicyDocument") ?? "";
    try {
      JSON.parse(trust);
    } catch {
      return queryError("iam", 400, "MalformedPolicyDocument", "This policy contains invalid Json");
    }
    const role: FakeRole = {
      name,
      arn: `arn:aws:iam::${w.account}:role/${name}`,
      id: `AROA${Buffer.from(name).toString("hex").slice(0, 17).toUpperCase()}`,
      trust,
      created: new Date(w.now()).toISOString(),
      tags: tagsFrom(p),
      policies: new Set(),
    };
    w.roles.set(name, role);
    return queryResponse("iam", "CreateRole", { Role: roleXml(role) });
  },
  GetRole: (w, p) => {
    const r = w.roles.get(p.get("RoleName") ?? "");
    return r ? queryResponse("iam", "GetRole", { Role: roleXml(r) }) : noSuchRole(p.get("RoleName") ?? "");
  },
  TagRole: (w, p) => {
    const r = w.roles.get(p.get("RoleName") ?? "");
    if (!r) return noSuchRole(p.get("RoleName") ?? "");
    Object.assign(r.tags, tagsFrom(p));
    return queryResponse("iam", "TagRole");
  },
  AttachRolePolicy: (w, p) => {
    const r = w.roles.get(p.get("RoleName") ?? "");
    if (!r) return noSuchRole(p.get("RoleName") ?? "");
    const arn = p.get("PolicyArn") ?? "";
    if (!/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\//.test(arn))
      return queryError("iam", 400, "InvalidInput", `ARN ${arn} is not valid.`);
    r.policies.add(arn);
    return queryResponse("iam", "AttachRolePolicy");
  },
  DetachRolePolicy: (w, p) => {
    const r = w.roles.get(p.get("RoleName") ?? "");
    if (!r) return noSuchRole(p.get("RoleName") ?? "");
    const arn = p.get("PolicyArn") ?? "";
    if (!r.policies.delete(arn))
      return queryError("iam", 404, "NoSuchEntity", `Policy ${arn} was not found.`);
    return queryResponse("iam", "DetachRolePolicy");
  },
  ListAttachedRolePolicies: (w, p) => {
    const r = w.roles.get(p.get("RoleName") ?? "");
    if (!r) return noSuchRole(p.get("RoleName") ?? "");
    const AttachedPolicies = [...r.policies]
      .sort()
      .map((arn) => ({ PolicyName: arn.slice(arn.lastIndexOf("/") + 1), PolicyArn: arn }));
    return queryResponse("iam", "ListAttachedRolePolicies", { AttachedPolicies, IsTruncated: false });
  },
  DeleteRole: (w, p) => {
    const r = w.roles.get(p.get("RoleName") ?? "");
    if (!r) return noSuchRole(p.get("RoleName") ?? "");
    if (r.policies.size > 0)
      return queryError(
        "iam",
        409,
        "DeleteConflict",
        "Cannot delete entity, must detach all policies first.",
      );
    w.roles.delete(r.name);
    return queryResponse("iam", "DeleteRole");
  },
};

export function isStsAction(action: string): boolean {
  return action === "GetCallerIdentity";
}

export function handleQuery(w: FakeWorld, p: Params): FakeResponse {
  const action = p.get("Action") ?? "";
  if (action === "GetCallerIdentity") {
    return queryResponse("sts", action, {
      Arn: `arn:aws:iam::${w.account}:user/deployer`,
      UserId: "AIDAEXAMPLEUSERID",
      Account: w.account,
    });
  }
  const op = IAM_OPS[action];
  if (!op)
    return queryError(
      "iam",
      400,
      "InvalidAction",
      `Could not find operation ${action} for version ${p.get("Version") ?? ""}`,
    );
  return op(w, p);
}
