// Releases: every deploy that changes the function publishes a version, and the `live` alias
// points at it, so a rollback is one UpdateAlias back (native and instant). Cold-start control
// hangs off the alias: `scaling.min` is its provisioned concurrency, `scaling.max` the function's
// reserved concurrency.

import type { AwsClients } from "./clients.js";
import { aws, awsMaybe } from "./errors.js";
import type { AwsCtx } from "./lambda-function.js";
import { ALIAS } from "./lambda-state.js";
import type { AliasState, ConcurrencyState } from "./lambda-state.js";

export async function readAlias(c: AwsClients, name: string): Promise<AliasState | undefined> {
  const a = await awsMaybe("GetAlias", c.target, () =>
    c.lambda.send(new c.sdk.lambda.GetAliasCommand({ FunctionName: name, Name: ALIAS })),
  );
  if (!a?.FunctionVersion) return undefined;
  return { name: ALIAS, functionVersion: a.FunctionVersion, ...(a.AliasArn ? { arn: a.AliasArn } : {}) };
}

export async function readConcurrency(
  c: AwsClients,
  name: string,
  reserved: number | undefined,
): Promise<ConcurrencyState> {
  const p = await awsMaybe("GetProvisionedConcurrencyConfig", c.target, () =>
    c.lambda.send(
      new c.sdk.lambda.GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: ALIAS }),
    ),
  );
  return { provisioned: p?.RequestedProvisionedConcurrentExecutions ?? 0, reserved: reserved ?? null };
}

/** Publishes $LATEST; Lambda returns the latest version unchanged when nothing changed since it. */
export async function publish(ctx: AwsCtx, name: string, codeSha256: string): Promise<string> {
  const c = ctx.clients;
  ctx.progress.step("publish version");
  const v = await aws("PublishVersion", c.target, () =>
    c.lambda.send(new c.sdk.lambda.PublishVersionCommand({ FunctionName: name, CodeSha256: codeSha256 })),
  );
  ctx.progress.done("publish version");
  return v.Version ?? "";
}

/** Points `live` at `version`, creating the alias on the first deploy. */
export async function pointAlias(
  ctx: AwsCtx,
  name: string,
  version: string,
  have: AliasState | undefined,
): Promise<AliasState> {
  const c = ctx.clients;
  if (have?.functionVersion === version) return have;
  const input = { FunctionName: name, Name: ALIAS, FunctionVersion: version };
  const out = have
    ? await aws("UpdateAlias", c.target, () => c.lambda.send(new c.sdk.lambda.UpdateAliasCommand(input)))
    : await aws("CreateAlias", c.target, () => c.lambda.send(new c.sdk.lambda.CreateAliasCommand(input)));
  return { name: ALIAS, functionVersion: version, ...(out.AliasArn ? { arn: out.AliasArn } : {}) };
}

export async function ensureConcurrency(
  ctx: AwsCtx,
  name: string,
  want: ConcurrencyState,
  have: ConcurrencyState | undefined,
): Promise<ConcurrencyState> {
  const c = ctx.clients;
  if (want.reserved !== (have?.reserved ?? null)) {
    if (want.reserved === null) {
      await awsMaybe("DeleteFunctionConcurrency", c.target, () =>
        c.lambda.send(new c.sdk.lambda.DeleteFunctionConcurrencyCommand({ FunctionName: name })),
      );
    } else {
      const n = want.reserved;
      await aws("PutFunctionConcurrency", c.target, () =>
        c.lambda.send(
          new c.sdk.lambda.PutFunctionConcurrencyCommand({
            FunctionName: name,
            ReservedConcurrentExecutions: n,
          }),
        ),
      );
    }
  }
  if (want.provisioned !== (have?.provisioned ?? 0)) {
    if (want.provisioned === 0) await deleteProvisioned(c, name);
    else {
      const n = want.provisioned;
      // Allocation takes minutes; status reports it, the deploy does not wait for it.
      await aws("PutProvisionedConcurrencyConfig", c.target, () =>
        c.lambda.send(
          new c.sdk.lambda.PutProvisionedConcurrencyConfigCommand({
            FunctionName: name,
            Qualifier: ALIAS,
            ProvisionedConcurrentExecutions: n,
          }),
        ),
      );
    }
  }
  return { ...want };
}

export async function deleteProvisioned(c: AwsClients, name: string): Promise<void> {
  await awsMaybe("DeleteProvisionedConcurrencyConfig", c.target, () =>
    c.lambda.send(
      new c.sdk.lambda.DeleteProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: ALIAS }),
    ),
  );
}

export async function deleteAlias(c: AwsClients, name: string): Promise<void> {
  await awsMaybe("DeleteAlias", c.target, () =>
    c.lambda.send(new c.sdk.lambda.DeleteAliasCommand({ FunctionName: name, Name: ALIAS })),
  );
}
