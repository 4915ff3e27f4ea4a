// OneDeploy of a function app's zip to its Kudu (SCM) host: POST /api/publish with the package,
// then GET /api/deployments/latest until it completes. This is the data plane, outside ARM: it
// goes through the shared HTTP client on the clients' dialing fetch, so APISHIP_CONNECT_TO
// reaches an emulator or a private endpoint, and each call is retried there under the run's
// one policy. A publish sent again is the same package, so it may repeat; the caller's ARM
// writes never do because of it (a failure here leaves `spent`, and the engine does not go
// round the apply again). The bearer is the ARM clients' (ARM token audience).

import { readFile } from "node:fs/promises";
import { ProviderError } from "../../src/errors.js";
import { createHttpClient } from "../_shared/http.js";
import type { HttpClient, HttpError } from "../_shared/http.js";
import { sleep } from "../_shared/poll.js";
import type { AzCtx } from "./resource-group.js";

const SUCCESS = 4;
const FAILED = 3;
const MAX_POLLS = 600;
const IN_PROGRESS = "DEPLOYMENT_IN_PROGRESS";

interface DeployStatus {
  status?: number;
  complete?: boolean;
  status_text?: string;
}

function failure(what: string, status: number | undefined, target: string, detail: string): ProviderError {
  const retryable = status === undefined || status === 0 || status === 429 || status >= 500;
  const code =
    status === 401 || status === 403
      ? "ACCESS_DENIED"
      : status === 409
        ? IN_PROGRESS
        : retryable
          ? "AZURE_UNAVAILABLE"
          : "DEPLOY_FAILED";
  return new ProviderError(`OneDeploy ${what}: ${detail}`, {
    code,
    fault: retryable ? "cloud" : "user",
    retryable,
    target,
    hint: retryable
      ? "a transient failure of the function app's deployment endpoint; run the deploy again (the app is not re-created)"
      : "check the package and the app's deployment log (`az functionapp log deployment show`)",
  });
}

/**
 * A client of the app's SCM (Kudu) host: the deploy upload here, the container log files in
 * kudu-logs.ts. Same token, transport and retries; each caller maps its own errors.
 */
export function kuduClient(ctx: AzCtx, scmHost: string, mapError?: (e: HttpError) => Error): HttpClient {
  const c = ctx.clients;
  return createHttpClient({
    baseUrl: `${c.insecure ? "http" : "https"}://${scmHost}`,
    fetch: c.fetch,
    retry: c.retry,
    token: () => c.token(),
    signal: ctx.signal,
    headers: { "user-agent": "apiship" },
    mapError:
      mapError ??
      ((e: HttpError) =>
        failure(e.path.endsWith("/publish") ? "publish" : "status", e.status, ctx.target.name, e.message)),
  });
}

/** Waits for the deployment Kudu runs now; throws when it failed. */
async function settled(ctx: AzCtx, kudu: HttpClient): Promise<void> {
  for (let i = 0; i < MAX_POLLS; i++) {
    const s = await kudu.request<DeployStatus>("GET", "/api/deployments/latest");
    if (s.status === FAILED) throw failure("deployment", 400, ctx.target.name, s.status_text ?? "failed");
    if (s.complete && s.status === SUCCESS) return;
    await sleep(ctx.clients.pollIntervalMs, ctx.signal);
  }
  throw failure("deployment", undefined, ctx.target.name, `not complete after ${MAX_POLLS} polls`);
}

/**
 * `remoteBuild`: Azure installs the package's requirements.txt on the platform (Python). A Node
 * package arrives built (bundled), so it is deployed as it is.
 */
export async function oneDeploy(
  ctx: AzCtx,
  scmHost: string,
  zipPath: string,
  remoteBuild = false,
): Promise<void> {
  const kudu = kuduClient(ctx, scmHost);
  const body = await readFile(zipPath);
  const publish = () =>
    kudu.send("POST", "/api/publish", {
      query: { RemoteBuild: String(remoteBuild), Deployer: "apiship" },
      body,
      headers: { "content-type": "application/zip" },
    });
  ctx.progress.step("deploy package (OneDeploy)");
  try {
    await publish();
  } catch (e) {
    // Kudu runs one deployment at a time (an earlier attempt's may still run): wait it out, then send ours.
    if (!(e instanceof ProviderError && e.code === IN_PROGRESS)) throw e;
    await settled(ctx, kudu).catch(() => undefined);
    await publish();
  }
  await settled(ctx, kudu);
  ctx.progress.done("deploy package (OneDeploy)");
}
