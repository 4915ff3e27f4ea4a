// OneDeploy of a function app's zip to its Kudu (SCM) host: POST /api/publish with the package,
// then GET /api/deployments/latest until it completes. This is the data plane, outside ARM, so
// it goes through fetch with the same bearer the ARM clients use (ARM token audience), and with
// ctx.signal so Ctrl-C stops it. The package is the deterministic zip (providers/_shared).

import { readFile } from "node:fs/promises";
import { ProviderError } from "../../src/errors.js";
import type { AzCtx } from "./resource-group.js";

const SUCCESS = 4;
const FAILED = 3;

interface DeployStatus {
  status?: number;
  complete?: boolean;
  status_text?: string;
}

function failure(what: string, status: number | undefined, target: string, detail: string): ProviderError {
  const retryable = status === undefined || status === 429 || status >= 500;
  return new ProviderError(`OneDeploy ${what}: ${detail}`, {
    code:
      status === 401 || status === 403 ? "ACCESS_DENIED" : retryable ? "AZURE_UNAVAILABLE" : "DEPLOY_FAILED",
    fault: retryable ? "cloud" : "user",
    retryable,
    target,
    hint: retryable
      ? "a transient failure of the function app's deployment endpoint; apiship retries"
      : "check the package and the app's deployment log (`az functionapp log deployment show`)",
  });
}

async function call(ctx: AzCtx, url: string, init: RequestInit, what: string): Promise<Response> {
  const token = await ctx.clients.token();
  try {
    const res = await fetch(url, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${token}` },
      signal: ctx.signal,
    });
    if (!res.ok)
      throw failure(
        what,
        res.status,
        ctx.target.name,
        `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`,
      );
    return res;
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    throw failure(what, undefined, ctx.target.name, e instanceof Error ? e.message : String(e));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function oneDeploy(ctx: AzCtx, scmHost: string, zipPath: string): Promise<void> {
  const base = `${ctx.clients.insecure ? "http" : "https"}://${scmHost}`;
  const body = await readFile(zipPath);
  ctx.progress.step("deploy package (OneDeploy)");
  await call(
    ctx,
    `${base}/api/publish?RemoteBuild=false&Deployer=apiship`,
    { method: "POST", body, headers: { "content-type": "application/zip" } },
    "publish",
  );
  for (let i = 0; i < 600 && !ctx.signal.aborted; i++) {
    const res = await call(ctx, `${base}/api/deployments/latest`, { method: "GET" }, "status");
    const s = (await res.json()) as DeployStatus;
    if (s.status === FAILED) throw failure("deployment", 400, ctx.target.name, s.status_text ?? "failed");
    if (s.complete && s.status === SUCCESS) break;
    await sleep(ctx.clients.pollIntervalMs);
  }
  ctx.progress.done("deploy package (OneDeploy)");
}
