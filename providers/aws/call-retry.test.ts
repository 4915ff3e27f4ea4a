// The AWS clients retry each call once, in one layer, under the run's policy: against the AWS
// fake answering every call with a throttle, a call is sent exactly maxAttempts times (not the
// SDK's 3 inside the engine's 5), each retry is reported with the operation's name, and the
// error that comes out is marked spent so the engine does not go round again.

import { afterEach, describe, expect, it } from "vitest";
import type { CallRetryInfo, ProviderConfig } from "../../src/core/provider.js";
import type { ProviderError } from "../../src/errors.js";
import { startAwsFake } from "../../test/fakes/aws/index.js";
import type { AwsFake } from "../../test/fakes/aws/index.js";
import { createAwsClients } from "./clients.js";
import { aws } from "./errors.js";

let fake: AwsFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function config(f: AwsFake, retries: CallRetryInfo[], maxAttempts = 4): ProviderConfig {
  return {
    target: { name: "fn", provider: "aws", platform: "lambda", options: { region: "us-east-1" } },
    env: { AWS_ENDPOINT_URL: f.url, AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" },
    retry: { maxAttempts, baseMs: 1, capMs: 2, maxWaitMs: 60_000, onRetry: (r) => retries.push(r) },
  };
}

describe("AWS call retries", () => {
  it("sends a throttled call maxAttempts times in all and marks the error spent", async () => {
    fake = await startAwsFake({ knobs: { throttleRate: 1 } });
    const retries: CallRetryInfo[] = [];
    const c = await createAwsClients(config(fake, retries));
    const { GetFunctionCommand } = c.sdk.lambda;
    const err = (await aws("GetFunction", "fn", () =>
      c.lambda.send(new GetFunctionCommand({ FunctionName: "x" })),
    ).catch((e: unknown) => e)) as ProviderError;
    expect(fake.requests).toHaveLength(4);
    expect(retries.map((r) => [r.call, r.attempt])).toEqual([
      ["GetFunction", 1],
      ["GetFunction", 2],
      ["GetFunction", 3],
    ]);
    expect(err.retryable).toBe(true);
    expect(err.spent).toBe(4);
  });

  it("converges when some attempts fail, and sends a non-retryable error once", async () => {
    fake = await startAwsFake({ knobs: { errorRate: 0.5, random: seededOnce([0.1, 0.9]) } });
    const retries: CallRetryInfo[] = [];
    const c = await createAwsClients(config(fake, retries));
    const { GetFunctionCommand } = c.sdk.lambda;
    // The fake: first a 500, then an answer (ResourceNotFound, not retried).
    const err = (await aws("GetFunction", "fn", () =>
      c.lambda.send(new GetFunctionCommand({ FunctionName: "missing" })),
    ).catch((e: unknown) => e)) as ProviderError;
    expect(fake.requests).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(err.code).toBe("ResourceNotFoundException");
    expect(err.retryable).toBe(false);
  });
});

/** Returns the given values in turn, then 0.99 (no fault) forever. */
function seededOnce(values: number[]): () => number {
  const queue = [...values];
  return () => queue.shift() ?? 0.99;
}
