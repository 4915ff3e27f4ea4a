// The pieces of azure/functions' apply that build things: the deterministic zip of the source
// (kept by hash too, for rollbacks) and the function app's PUT body (functionAppConfig).

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { Site } from "@azure/arm-appservice";
import type { FunctionSpec, ServiceSpec } from "../../src/manifest/types.js";
import { ProviderError } from "../../src/errors.js";
import { packageFunction } from "../_shared/portable.js";
import type { ZipArtifact } from "../_shared/artifact.js";
import { DEPLOYMENT_STORAGE_SETTING } from "./functions-state.js";
import type { FunctionAppAttrs } from "./functions-state.js";
import type { AzCtx } from "./resource-group.js";
import { farmId } from "./state.js";

/** Where packages are kept by hash, so a rollback can send the previous one again. */
export const CACHE = join(tmpdir(), "apiship-artifacts", "azure-functions");

/** Builds the deterministic zip of the function's source; a copy by hash serves rollbacks. */
export async function buildFunctions(ctx: AzCtx, svc: ServiceSpec): Promise<ZipArtifact> {
  const source = svc.function?.source;
  if (source === undefined) {
    throw new ProviderError("azure/functions deploys functions; the service has no `function`", {
      code: "CONFIG",
      fault: "user",
      hint: "use `service.function: { runtime, handler, source }` for an Azure Functions target",
    });
  }
  const root = isAbsolute(source) ? source : resolve(ctx.stack.baseDir ?? process.cwd(), source);
  await mkdir(CACHE, { recursive: true });
  const where = createHash("sha256").update(root).digest("hex").slice(0, 8);
  const name = `${ctx.stack.id}-${ctx.target.name}-${where}`.replace(/[^A-Za-z0-9._-]/g, "_");
  const final = join(CACHE, `${name}.zip`);
  // Portable: the generated entry bundled with the user's module (Node.js), or function_app.py
  // beside the user's source with requirements.txt listing azure-functions (Python); host.json.
  const zip = await packageFunction(
    "azure/functions",
    svc.function as FunctionSpec,
    root,
    final,
    ctx.target.name,
  );
  const byHash = join(CACHE, `${zip.sha256}.zip`);
  if (!existsSync(byHash)) await copyFile(final, byHash);
  return zip;
}

export function envelope(
  sub: string,
  want: FunctionAppAttrs,
  settings: Record<string, string>,
  blobBase: string,
): Site {
  const [name = "", version = ""] = want.runtime.split("|");
  const site: Site = {
    location: want.location,
    kind: "functionapp,linux",
    tags: want.tags,
    serverFarmId: farmId(sub, want.resourceGroup, want.plan),
    reserved: true,
    httpsOnly: want.httpsOnly,
    functionAppConfig: {
      deployment: {
        storage: {
          type: "blobContainer",
          value: `${blobBase}${want.container}`,
          authentication: {
            type: "StorageAccountConnectionString",
            storageAccountConnectionStringName: DEPLOYMENT_STORAGE_SETTING,
          },
        },
      },
      runtime: { name: name as never, version },
      scaleAndConcurrency: {
        instanceMemoryMB: want.instanceMemoryMB,
        maximumInstanceCount: want.maximumInstanceCount,
        ...(want.alwaysReady > 0 ? { alwaysReady: [{ name: "http", instanceCount: want.alwaysReady }] } : {}),
      },
    },
    siteConfig: {
      appSettings: Object.entries(settings).map(([n, value]) => ({ name: n, value })),
      minTlsVersion: "1.2",
    },
  };
  if (want.identity) site.identity = { type: "SystemAssigned" };
  return site;
}
