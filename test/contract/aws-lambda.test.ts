// aws/lambda passes the same lifecycle as every platform, against the AWS fake; and with the
// fake's fault knobs on (20% throttling, 5% 500s) and the SDK's own retries off, a deploy still
// converges when its apply is retried the way the engine retries: only on retryable
// ProviderErrors, from the top, against what the cloud holds by then.
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import { seeded } from "../fakes/_shared/server.js";
import { NAME, SECRET_VALUE, adapter, deploy, lambdaWorld, planFor } from "../fakes/aws/harness.js";
import { doubleMemory, worldFixture } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

describeLifecycle("aws/lambda", async () =>
  worldFixture(await lambdaWorld(), {
    adapter,
    name: NAME,
    secrets: { API_KEY: SECRET_VALUE },
    update: doubleMemory,
    replace: {
      target: (t) => ({ ...t, options: { ...t.options, architecture: "arm64" } }),
      forcedBy: "architecture",
    },
  }),
);

describe("aws/lambda under injected faults", () => {
  it("converges to the deployed function with 20% throttling and 5% server errors", async () => {
    const w = await lambdaWorld({
      knobs: { throttleRate: 0.2, errorRate: 0.05, random: seeded(42) },
      env: { AWS_MAX_ATTEMPTS: "1" },
    });
    try {
      const failures: string[] = [];
      let result: Awaited<ReturnType<typeof deploy>>["result"] | undefined;
      for (let attempt = 0; attempt < 200 && !result; attempt++) {
        try {
          result = (await deploy(w)).result;
        } catch (e) {
          if (!(e instanceof ProviderError) || !e.retryable) throw e;
          failures.push(e.code);
        }
      }
      // The faults really happened, and were all retryable.
      expect(failures.length).toBeGreaterThan(0);
      expect(new Set(failures)).toEqual(
        new Set(failures.filter((c) => c === "THROTTLED" || c === "AWS_UNAVAILABLE")),
      );
      expect(result?.endpoint).toMatch(/^https:\/\/.+\.lambda-url\.us-east-1\.on\.aws\/$/);

      w.fake.knobs.throttleRate = 0;
      w.fake.knobs.errorRate = 0;
      const fn = w.fake.world.functions.get(NAME);
      expect(fn?.versions).toHaveLength(1);
      expect(fn?.aliases.get("live")?.version).toBe("1");
      expect(fn?.urls.get("live")?.authType).toBe("NONE");
      expect(
        fn?.policies
          .get("live")
          ?.map((s) => s.Sid)
          .sort(),
      ).toEqual(["apiship-public-invoke", "apiship-public-url"]);
      const again = await planFor(w, w.service, w.target, result?.state);
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await w.close();
    }
  });
});

describe("aws/lambda after an apply the state never recorded", () => {
  it("reads the secret fingerprints from the function's tags: nothing left to do", async () => {
    const w = await lambdaWorld();
    try {
      // A first run applied, then failed before recording: the state is still empty.
      await deploy(w);
      const again = await planFor(w, w.service, w.target, undefined);
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
      const tags = w.fake.world.functions.get(NAME)?.tags ?? {};
      expect(tags["apiship:secret:API_KEY"]).toBe("hmac-sha256:1");
      expect(JSON.stringify(tags)).not.toContain(SECRET_VALUE);
    } finally {
      await w.close();
    }
  });
});

describe("aws/lambda artifacts above the inline limit", () => {
  it("go through an apiship bucket per account and region, keyed by content hash", async () => {
    const w = await lambdaWorld({ env: { APISHIP_AWS_INLINE_LIMIT: "1" } });
    try {
      const { result } = await deploy(w);
      const bucket = w.fake.world.buckets.get("apiship-artifacts-123456789012-us-east-1");
      expect(bucket?.tags).toEqual({ "apiship:managed": "true" });
      const [key] = [...(bucket?.objects.keys() ?? [])];
      expect(key).toMatch(/^shop-dev-api\/[0-9a-f]{64}\.zip$/);
      expect(w.fake.world.functions.get(NAME)?.codeSha256).toBe(result.state.function?.codeSha256);
      expect(
        w.fake.requests.some(
          (r) => r.method === "PUT" && r.path === `/apiship-artifacts-123456789012-us-east-1/${key}`,
        ),
      ).toBe(true);
    } finally {
      await w.close();
    }
  });
});

describe("aws/lambda with access: private", () => {
  it("gets an AWS_IAM Function URL, reported as a private endpoint the engine checks by status", async () => {
    const w = await lambdaWorld();
    try {
      const { result } = await deploy(w, { ...w.service, access: "private" });
      expect(w.fake.world.functions.get(NAME)?.urls.get("live")?.authType).toBe("AWS_IAM");
      expect(result.privateEndpoint).toBe(true);
      const report = await adapter.status(await w.ctx(w.target), result.state);
      expect(report.health).toBe("ready");
      const open = await deploy(w, w.service, w.target, result.state);
      expect(open.result.privateEndpoint).toBeUndefined();
    } finally {
      await w.close();
    }
  });
});
