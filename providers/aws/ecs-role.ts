// The task execution role apiship creates for a target: trusted by ECS tasks, with the managed
// execution policy (pull from ECR, write the log group) and, when the service names aws-sm:
// secrets, an inline policy allowing secretsmanager:GetSecretValue on exactly those. Tagged as
// apiship's, so destroy deletes only a role apiship made.

import type { Role } from "@aws-sdk/client-iam";
import { ProviderError } from "../../src/errors.js";
import type { EcsClients } from "./clients.js";
import { aws, awsMaybe } from "./errors.js";
import type { EcsCtx } from "./ecs-network.js";
import { TAG_MANAGED, TAG_STACK, names } from "./ecs-state.js";
import type { EcsState } from "./ecs-state.js";

export type ExecRole = NonNullable<EcsState["role"]>;

export const ECS_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});

export function secretsPolicy(resources: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: resources }],
  });
}

const tagsOf = (r: Role) => Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));

async function inlineResources(c: EcsClients, roleName: string): Promise<string[]> {
  const got = await awsMaybe("GetRolePolicy", c.target, () =>
    c.iam.send(new c.sdk.iam.GetRolePolicyCommand({ RoleName: roleName, PolicyName: names.secretsPolicy })),
  );
  if (!got?.PolicyDocument) return [];
  // IAM returns policy documents URL-encoded.
  const doc = JSON.parse(decodeURIComponent(got.PolicyDocument)) as { Statement?: { Resource?: string[] }[] };
  return [...(doc.Statement?.[0]?.Resource ?? [])].sort();
}

export async function readExecRole(
  c: EcsClients,
  roleName: string,
  stackId: string,
): Promise<ExecRole | undefined> {
  const got = await awsMaybe("GetRole", c.target, () =>
    c.iam.send(new c.sdk.iam.GetRoleCommand({ RoleName: roleName })),
  );
  if (!got?.Role) return undefined;
  const tags = tagsOf(got.Role);
  const managed = tags[TAG_MANAGED] === "true" && tags[TAG_STACK] === stackId;
  const base = { name: roleName, arn: got.Role.Arn ?? "", managed, tags };
  if (!managed) return { ...base, policies: [], secretResources: [] };
  const attached = await aws("ListAttachedRolePolicies", c.target, () =>
    c.iam.send(new c.sdk.iam.ListAttachedRolePoliciesCommand({ RoleName: roleName })),
  );
  const policies = (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? "").sort();
  return { ...base, policies, secretResources: await inlineResources(c, roleName) };
}

export async function ensureExecRole(
  ctx: EcsCtx,
  have: ExecRole | undefined,
  want: { name: string; policies: string[]; secretResources: string[]; tags: Record<string, string> },
): Promise<ExecRole> {
  const c = ctx.clients;
  if (have && !have.managed) {
    throw new ProviderError(`IAM role ${want.name} exists but apiship did not create it for this stack`, {
      code: "NOT_OWNED",
      fault: "user",
      target: c.target,
      hint: "delete or rename it so apiship can create its own execution role",
    });
  }
  let arn = have?.arn ?? "";
  if (!have) {
    ctx.progress.step("create execution role");
    const Tags = Object.entries(want.tags).map(([Key, Value]) => ({ Key, Value }));
    const out = await aws("CreateRole", c.target, () =>
      c.iam.send(
        new c.sdk.iam.CreateRoleCommand({
          RoleName: want.name,
          AssumeRolePolicyDocument: ECS_TRUST_POLICY,
          Tags,
        }),
      ),
    );
    arn = out.Role?.Arn ?? "";
    ctx.progress.done("create execution role");
  }
  for (const p of want.policies.filter((x) => !have?.policies.includes(x))) {
    await aws("AttachRolePolicy", c.target, () =>
      c.iam.send(new c.sdk.iam.AttachRolePolicyCommand({ RoleName: want.name, PolicyArn: p })),
    );
  }
  const had = have?.secretResources ?? [];
  if (JSON.stringify(had) !== JSON.stringify(want.secretResources)) {
    if (want.secretResources.length === 0) await deleteInline(c, want.name);
    else {
      const PolicyDocument = secretsPolicy(want.secretResources);
      await aws("PutRolePolicy", c.target, () =>
        c.iam.send(
          new c.sdk.iam.PutRolePolicyCommand({
            RoleName: want.name,
            PolicyName: names.secretsPolicy,
            PolicyDocument,
          }),
        ),
      );
    }
  }
  return {
    name: want.name,
    arn,
    managed: true,
    policies: [...want.policies].sort(),
    secretResources: [...want.secretResources],
    tags: { ...want.tags },
  };
}

async function deleteInline(c: EcsClients, roleName: string): Promise<void> {
  await awsMaybe("DeleteRolePolicy", c.target, () =>
    c.iam.send(
      new c.sdk.iam.DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: names.secretsPolicy }),
    ),
  );
}

/** Inline policy, managed policies, then the role; a role already gone is success. */
export async function deleteExecRole(c: EcsClients, role: ExecRole): Promise<void> {
  if (role.secretResources.length > 0) await deleteInline(c, role.name);
  for (const p of role.policies) {
    await awsMaybe("DetachRolePolicy", c.target, () =>
      c.iam.send(new c.sdk.iam.DetachRolePolicyCommand({ RoleName: role.name, PolicyArn: p })),
    );
  }
  await awsMaybe("DeleteRole", c.target, () =>
    c.iam.send(new c.sdk.iam.DeleteRoleCommand({ RoleName: role.name })),
  );
}
