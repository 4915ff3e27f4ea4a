// IAM inline role policies (awsQuery), which the ECS execution role's secrets policy needs, kept
// beside the IAM fake: PutRolePolicy, GetRolePolicy, DeleteRolePolicy, ListRolePolicies, and a
// DeleteRole that, as IAM does, refuses a role that still has inline policies.

import type { FakeResponse } from "../_shared/server.js";
import { queryError, queryResponse } from "./protocol.js";
import type { FakeWorld } from "./world.js";

type Op = (w: FakeWorld, p: URLSearchParams) => FakeResponse | undefined;

const noRole = (name: string) =>
  queryError("iam", 404, "NoSuchEntity", `The role with name ${name} cannot be found.`);

function policiesOf(w: FakeWorld, role: string): Map<string, string> {
  let m = w.inlinePolicies.get(role);
  if (!m) w.inlinePolicies.set(role, (m = new Map()));
  return m;
}

export const IAM_INLINE_OPS: Record<string, Op> = {
  PutRolePolicy: (w, p) => {
    const role = p.get("RoleName") ?? "";
    if (!w.roles.has(role)) return noRole(role);
    const doc = p.get("PolicyDocument") ?? "";
    try {
      JSON.parse(doc);
    } catch {
      return queryError("iam", 400, "MalformedPolicyDocument", "This policy contains invalid Json");
    }
    policiesOf(w, role).set(p.get("PolicyName") ?? "", doc);
    return queryResponse("iam", "PutRolePolicy");
  },
  GetRolePolicy: (w, p) => {
    const role = p.get("RoleName") ?? "";
    if (!w.roles.has(role)) return noRole(role);
    const name = p.get("PolicyName") ?? "";
    const doc = w.inlinePolicies.get(role)?.get(name);
    if (doc === undefined)
      return queryError("iam", 404, "NoSuchEntity", `The role policy with name ${name} cannot be found.`);
    return queryResponse("iam", "GetRolePolicy", {
      RoleName: role,
      PolicyName: name,
      PolicyDocument: encodeURIComponent(doc),
    });
  },
  DeleteRolePolicy: (w, p) => {
    const role = p.get("RoleName") ?? "";
    if (!w.roles.has(role)) return noRole(role);
    const name = p.get("PolicyName") ?? "";
    if (!w.inlinePolicies.get(role)?.delete(name))
      return queryError("iam", 404, "NoSuchEntity", `The role policy with name ${name} cannot be found.`);
    return queryResponse("iam", "DeleteRolePolicy");
  },
  ListRolePolicies: (w, p) => {
    const role = p.get("RoleName") ?? "";
    if (!w.roles.has(role)) return noRole(role);
    return queryResponse("iam", "ListRolePolicies", {
      PolicyNames: [...(w.inlinePolicies.get(role)?.keys() ?? [])],
      IsTruncated: false,
    });
  },
  // Falls through to the IAM fake unless inline policies are left.
  DeleteRole: (w, p) => {
    const role = p.get("RoleName") ?? "";
    if ((w.inlinePolicies.get(role)?.size ?? 0) === 0) return undefined;
    return queryError("iam", 409, "DeleteConflict", "Cannot delete entity, must delete policies first.");
  },
};
