// The Function URL on the `live` alias: auth NONE for `access: public` with the resource-based
// permissions a public URL needs (lambda:InvokeFunctionUrl for everyone, and, since October 2025,
// lambda:InvokeFunction when invoked through the URL), AWS_IAM for `access: private`.

import type { AwsClients } from "./clients.js";
import { aws, awsMaybe } from "./errors.js";
import type { AwsCtx } from "./lambda-function.js";
import { ALIAS, INVOKE_STATEMENT, URL_STATEMENT } from "./lambda-state.js";
import type { UrlState } from "./lambda-state.js";

interface PolicyDoc {
  Statement?: { Sid?: string }[];
}

export async function readUrl(c: AwsClients, name: string): Promise<UrlState | undefined> {
  const cfg = await awsMaybe("GetFunctionUrlConfig", c.target, () =>
    c.lambda.send(new c.sdk.lambda.GetFunctionUrlConfigCommand({ FunctionName: name, Qualifier: ALIAS })),
  );
  if (!cfg?.FunctionUrl) return undefined;
  const policy = await awsMaybe("GetPolicy", c.target, () =>
    c.lambda.send(new c.sdk.lambda.GetPolicyCommand({ FunctionName: name, Qualifier: ALIAS })),
  );
  const sids = ((JSON.parse(policy?.Policy ?? "{}") as PolicyDoc).Statement ?? []).map((s) => s.Sid);
  return {
    url: cfg.FunctionUrl,
    authType: cfg.AuthType === "NONE" ? "NONE" : "AWS_IAM",
    publicInvoke: sids.includes(URL_STATEMENT) && sids.includes(INVOKE_STATEMENT),
  };
}

async function addPublicPermissions(c: AwsClients, name: string): Promise<void> {
  const base = { FunctionName: name, Qualifier: ALIAS, Principal: "*" };
  await aws("AddPermission", c.target, () =>
    c.lambda.send(
      new c.sdk.lambda.AddPermissionCommand({
        ...base,
        StatementId: URL_STATEMENT,
        Action: "lambda:InvokeFunctionUrl",
        FunctionUrlAuthType: "NONE",
      }),
    ),
  );
  await aws("AddPermission", c.target, () =>
    c.lambda.send(
      new c.sdk.lambda.AddPermissionCommand({
        ...base,
        StatementId: INVOKE_STATEMENT,
        Action: "lambda:InvokeFunction",
        InvokedViaFunctionUrl: true,
      }),
    ),
  );
}

async function removePublicPermissions(c: AwsClients, name: string): Promise<void> {
  for (const sid of [URL_STATEMENT, INVOKE_STATEMENT]) {
    await awsMaybe("RemovePermission", c.target, () =>
      c.lambda.send(
        new c.sdk.lambda.RemovePermissionCommand({ FunctionName: name, Qualifier: ALIAS, StatementId: sid }),
      ),
    );
  }
}

/** Brings the URL and its permissions to what `access` asks for. */
export async function ensureUrl(
  ctx: AwsCtx,
  name: string,
  isPublic: boolean,
  have: UrlState | undefined,
): Promise<UrlState> {
  const c = ctx.clients;
  const AuthType = isPublic ? "NONE" : "AWS_IAM";
  let url = have?.url;
  if (!have) {
    ctx.progress.step("create function URL");
    const out = await aws("CreateFunctionUrlConfig", c.target, () =>
      c.lambda.send(
        new c.sdk.lambda.CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: ALIAS, AuthType }),
      ),
    );
    url = out.FunctionUrl;
    ctx.progress.done("create function URL");
  } else if (have.authType !== AuthType) {
    await aws("UpdateFunctionUrlConfig", c.target, () =>
      c.lambda.send(
        new c.sdk.lambda.UpdateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: ALIAS, AuthType }),
      ),
    );
  }
  const hasPublic = have?.publicInvoke ?? false;
  if (isPublic && !hasPublic) {
    // A half-made pair (an earlier attempt failed between the two) is cleared first.
    if (have?.authType === "NONE") await removePublicPermissions(c, name);
    await addPublicPermissions(c, name);
  }
  if (!isPublic && hasPublic) await removePublicPermissions(c, name);
  return { url: url ?? "", authType: AuthType, publicInvoke: isPublic };
}

export async function deleteUrl(c: AwsClients, name: string): Promise<void> {
  await awsMaybe("DeleteFunctionUrlConfig", c.target, () =>
    c.lambda.send(new c.sdk.lambda.DeleteFunctionUrlConfigCommand({ FunctionName: name, Qualifier: ALIAS })),
  );
}
