// The ARM pipeline retries each call in one layer, the run's: as many sends as the policy allows
// and no more, each retry reported before its wait, a too-long Retry-After failed at once, a
// swap never sent twice after a 5xx, and the error that leaves marked spent for the engine.
import { createHttpHeaders } from "@azure/core-rest-pipeline";
import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import type { CallRetryInfo, CallRetryPolicy } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { createAzureClients } from "./clients.js";
import { az } from "./errors.js";

const SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

function scripted(answers: Answer[]) {
  const sent: string[] = [];
  const client: HttpClient = {
    sendRequest: (req: PipelineRequest): Promise<PipelineResponse> => {
      sent.push(`${req.method} ${new URL(req.url).pathname}`);
      const a = answers[Math.min(sent.length - 1, answers.length - 1)] ?? { status: 500 };
      return Promise.resolve({
        request: req,
        status: a.status,
        headers: createHttpHeaders({ "content-type": "application/json", ...a.headers }),
        bodyAsText: a.body === undefined ? "" : JSON.stringify(a.body),
      });
    },
  };
  return { client, sent };
}

async function clientsWith(answers: Answer[], policy: Partial<CallRetryPolicy> = {}) {
  const retries: CallRetryInfo[] = [];
  const { client, sent } = scripted(answers);
  const retry: CallRetryPolicy = {
    maxAttempts: 4,
    baseMs: 1,
    capMs: 2,
    maxWaitMs: 1000,
    onRetry: (i) => retries.push(i),
    ...policy,
  };
  const target = { name: "web", provider: "azure", platform: "app-service", options: { subscription: SUB } };
  const c = await createAzureClients(
    { target, env: { AZURE_ACCESS_TOKEN: "t", APISHIP_AZURE_POLL_MS: "1" }, retry },
    { httpClient: client },
  );
  return { c, sent, retries };
}

const busy: Answer = { status: 503, body: { error: { code: "ServiceUnavailable", message: "busy" } } };
const group: Answer = { status: 200, body: { id: "/x", name: "rg", location: "westeurope" } };

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e: unknown = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(e)}`);
  return e;
}

describe("azure pipeline retries", () => {
  it("sends a failing call exactly maxAttempts times, reports each retry, and marks the error spent", async () => {
    const { c, sent, retries } = await clientsWith([busy]);
    const e = await failure(az("ResourceGroups_Get", "web", () => c.resources.resourceGroups.get("rg")));
    expect(sent).toHaveLength(4);
    expect([e.code, e.retryable, e.spent]).toEqual(["AZURE_UNAVAILABLE", true, 4]);
    expect(retries.map((r) => [r.call, r.attempt, r.code])).toEqual([
      ["GET resourcegroups/rg", 1, "HTTP_503"],
      ["GET resourcegroups/rg", 2, "HTTP_503"],
      ["GET resourcegroups/rg", 3, "HTTP_503"],
    ]);
    expect(retries.every((r) => r.delayMs >= 0 && r.delayMs <= 2)).toBe(true);
  });

  it("a call that succeeds on a later send returns its answer", async () => {
    const { c, sent } = await clientsWith([busy, { status: 429, headers: { "retry-after": "0" } }, group]);
    const g = await c.resources.resourceGroups.get("rg");
    expect([g.name, sent.length]).toEqual(["rg", 3]);
  });

  it("fails at once when the server asks for a longer wait than the policy allows", async () => {
    const { c, sent, retries } = await clientsWith([
      { status: 429, headers: { "retry-after": "3600" }, body: { error: { code: "TooManyRequests" } } },
    ]);
    const e = await failure(az("ResourceGroups_Get", "web", () => c.resources.resourceGroups.get("rg")));
    expect(sent).toHaveLength(1);
    expect(retries).toEqual([]);
    expect(e.message).toMatch(/asked to wait 3600 s before a retry, longer than apiship waits \(1 s\)/);
    expect([e.retryable, e.spent]).toEqual([false, 1]);
  });

  it("never sends a slot swap again after a 5xx (it may have started); a 429 is sent again", async () => {
    const swap = () =>
      az("WebApps_SwapSlotWithProduction", "web", () =>
        c.web.webApps.beginSwapSlotWithProductionAndWait(
          "rg",
          "site",
          { targetSlot: "staging", preserveVnet: true },
          { updateIntervalInMs: 1 },
        ),
      );
    const { c, sent } = await clientsWith([
      { status: 500, body: { error: { code: "InternalServerError" } } },
    ]);
    const e = await failure(swap());
    expect([sent.length, e.spent]).toEqual([1, 1]);
    const throttled = await clientsWith([{ status: 429, headers: { "retry-after": "0" } }]);
    await failure(
      az("WebApps_SwapSlotWithProduction", "web", () =>
        throttled.c.web.webApps.beginSwapSlotWithProductionAndWait(
          "rg",
          "site",
          { targetSlot: "staging", preserveVnet: true },
          { updateIntervalInMs: 1 },
        ),
      ),
    );
    expect(throttled.sent).toHaveLength(4);
  });
});
