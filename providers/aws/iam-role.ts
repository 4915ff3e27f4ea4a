// The execution role apiship creates when the target names none: trusted by Lambda, with the
// basic execution policy (and VPC access inside a VPC), tagged as apiship's so destroy removes
// only a role apiship made. IAM is global: the role does not move with the function's region.

import type { Role } from "@aws-sdk/client-iam";
import { ProviderError } from "../../src/errors.js";
import type { AwsClients } from "./clients.js";
import { aws, awsMaybe, isAlreadyExists, isNotFound, mapAwsError } from "./errors.js";
import type { AwsCtx } from "./lambda-function.js";
import { TAG_MANAGED, TAG_STACK } from "./lambda-state.js";
import type { RoleState } from "./lambda-state.js";

export const TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

function tagsOf(role: Role): Record<string, string> {
  return Object.fromEntries((role.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
}

async function attachedPolicies(c: AwsClients, roleName: string): Promise<string[]> {
  const out = await aws("ListAttachedRolePolicies", c.target, () =>
    c.iam.send(new c.sdk.iam.ListAttachedRolePoliciesCommand({ RoleName: roleName })),
  );
  return (out.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? "").sort();
}

/** The role as it is in IAM, or undefined. */
export async function readRole(
  c: AwsClients,
  roleName: string,
  stackId: string,
): Promise<RoleState | undefined> {
  const got = await awsMaybe("GetRole", c.target, () =>
    c.iam.send(new c.sdk.iam.GetRoleCommand({ RoleName: roleName })),
  );
  if (!got?.Role) return undefined;
  const tags = tagsOf(got.Role);
  const managed = tags[TAG_MANAGED] === "true" && tags[TAG_STACK] === stackId;
  const policies = managed ? await attachedPolicies(c, roleName) : [];
  return { name: roleName, arn: got.Role.Arn ?? "", managed, policies, tags };
}

function notOurs(roleName: string, target: string): ProviderError {
  return new ProviderError(`IAM role ${roleName} exists but apiship did not create it for this stack`, {
    code: "NOT_OWNED",
    fault: "user",
    target,
    hint: "name it as the target's `role` to use it, or delete/rename it so apiship can create its own",
  });
}

/** Creates the role or brings its policies and tags to what is wanted. */
export async function ensureRole(
  ctx: AwsCtx,
  have: RoleState | undefined,
  want: { name: string; policies: string[]; tags: Record<string, string> },
): Promise<RoleState> {
  const c = ctx.clients;
  if (have && !have.managed) throw notOurs(want.name, c.target);
  let arn = have?.arn;
  if (!have) {
    ctx.progress.step("create role");
    const Tags = Object.entries(want.tags).map(([Key, Value]) => ({ Key, Value }));
    const created = await c.iam
      .send(
        new c.sdk.iam.CreateRoleCommand({
          RoleName: want.name,
          AssumeRolePolicyDocument: TRUST_POLICY,
          Tags,
        }),
      )
      .catch(async (e: unknown) => {
        // A previous attempt created it and failed later: adopt it only if it is ours.
        if (!isAlreadyExists(e)) throw mapAwsError(e, "CreateRole", c.target);
        const role = await readRole(c, want.name, want.tags[TAG_STACK] ?? "");
        if (!role?.managed) throw notOurs(want.name, c.target);
        return { Role: { Arn: role.arn } };
      });
    arn = created.Role?.Arn;
    ctx.progress.done("create role");
  }
  const attached = have?.policies ?? [];
  for (const p of want.policies.filter((x) => !attached.includes(x))) {
    await aws("AttachRolePolicy", c.target, () =>
      c.iam.send(new c.sdk.iam.AttachRolePolicyCommand({ RoleName: want.name, PolicyArn: p })),
    );
  }
  for (const p of attached.filter((x) => !want.policies.includes(x))) {
    await aws("DetachRolePolicy", c.target, () =>
      c.iam.send(new c.sdk.iam.DetachRolePolicyCommand({ RoleName: want.name, PolicyArn: p })),
    );
  }
  return {
    name: want.name,
    arn: arn ?? "",
    managed: true,
    policies: [...want.policies].sort(),
    tags: { ...want.tags },
  };
}

/** Detaches the role's policies and deletes it; a role already gone is success. */
export async function deleteRole(c: AwsClients, roleName: string): Promise<void> {
  let policies: string[];
  try {
    policies = await attachedPolicies(c, roleName);
  } catch (e) {
    if (e instanceof ProviderError && isNotFound(e.cause)) return;
    throw e;
  }
  for (const p of policies) {
    await awsMaybe("DetachRolePolicy", c.target, () =>
      c.iam.send(new c.sdk.iam.DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: p })),
    );
  }
  await awsMaybe("DeleteRole", c.target, () =>
    c.iam.send(new c.sdk.iam.DeleteRoleCommand({ RoleName: roleName })),
  );
}
