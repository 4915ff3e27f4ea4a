// Building a 2nd-gen function: the deterministic zip of its source (one file per target under
// the temp dir, replaced atomically by each build), and the report of a failed Cloud Build.

import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { FunctionSpec, ServiceSpec } from "../../src/manifest/types.js";
import { ProviderError } from "../../src/errors.js";
import { packageFunction } from "../_shared/portable.js";
import type { ZipArtifact } from "../_shared/artifact.js";
import type { OperationFailure } from "./clients.js";
import { entryPlatformOf } from "./functions-plan.js";
import type { GcpCtx } from "./run-apply.js";

/** The deterministic zip of the function's source, one file per target under the temp dir. */
export async function buildCloudFunction(ctx: GcpCtx, svc: ServiceSpec): Promise<ZipArtifact> {
  const source = svc.function?.source;
  if (source === undefined) {
    throw new ProviderError(
      `${ctx.target.name}: gcp/cloud-functions deploys functions; the service has no \`function\``,
      {
        code: "CONFIG",
        fault: "user",
        hint: "use `service.function: { runtime, handler, source }` for a Cloud Functions target",
      },
    );
  }
  const root = isAbsolute(source) ? source : resolve(ctx.stack.baseDir ?? process.cwd(), source);
  const dir = join(tmpdir(), "apiship-artifacts");
  await mkdir(dir, { recursive: true });
  const where = createHash("sha256").update(root).digest("hex").slice(0, 8);
  const name = `${ctx.stack.id}-${ctx.target.name}-gcf-${where}`.replace(/[^A-Za-z0-9._-]/g, "_");
  const final = join(dir, `${name}.zip`);
  const fn = svc.function as FunctionSpec;
  return packageFunction(entryPlatformOf(ctx.target, fn), fn, root, final, ctx.target.name);
}

/** A failed build, with the build log's URL and the last lines the operation reported. */
export function buildError(target: string, name: string, f: OperationFailure): ProviderError {
  const stages = (f.metadata?.stages as { resourceUri?: string; message?: string }[] | undefined) ?? [];
  const fromStage = stages.find((s) => /cloud-build|builds/.test(s.resourceUri ?? ""))?.resourceUri;
  const fromMessage = /https:\/\/console\.cloud\.google\.com\/cloud-build\/\S+?(?=\.?(\s|$))/.exec(
    f.message,
  )?.[0];
  const url = fromStage || fromMessage;
  const tail = f.message.split(/\r?\n/).filter(Boolean).slice(-10).join("\n");
  return new ProviderError(
    `Cloud Functions build of ${name} failed:\n${tail}${url ? `\nbuild log: ${url}` : ""}`,
    {
      code: "BUILD_FAILED",
      fault: "user",
      target,
      cause: f,
      hint: url
        ? `open the build log (${url}); fix the source, runtime or entry point and deploy again`
        : "fix the source, runtime or entry point and deploy again",
    },
  );
}
