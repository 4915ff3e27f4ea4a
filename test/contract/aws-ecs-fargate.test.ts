// aws/ecs-fargate passes the same lifecycle as every platform against the AWS fake (update: a
// new image; replace: another region); and a rollout whose image cannot be pulled fails with
// the stopped tasks' reason while the circuit breaker puts the service back on the last revision.
import { describe, expect, it } from "vitest";
import { ProviderError } from "../../src/errors.js";
import {
  ECS_NAME,
  ECS_SECRET,
  containerService,
  ecsAdapter,
  ecsDeploy,
  ecsPlan,
  ecsWorld,
} from "../fakes/aws/ecs-harness.js";
import { worldFixture } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";

describeLifecycle("aws/ecs-fargate", async () =>
  worldFixture(await ecsWorld(), {
    adapter: ecsAdapter,
    name: ECS_NAME,
    secrets: { HF_TOKEN: ECS_SECRET },
    update: (svc) => ({ ...svc, container: { image: "ghcr.io/acme/sentiment-api:1.1.0", port: 8000 } }),
    replace: {
      target: (t) => ({ ...t, options: { ...t.options, region: "eu-west-1" } }),
      forcedBy: "region",
    },
  }),
);

describe("aws/ecs-fargate against the fake", () => {
  it("deploys behind an ALB and reports the endpoint, the revision and no secret in state", async () => {
    const w = await ecsWorld();
    try {
      const steps: string[] = [];
      const { result } = await ecsDeploy(w, undefined, undefined, undefined, steps);
      expect(result.endpoint).toMatch(/^http:\/\/shop-dev-api-[0-9a-f]+\.us-east-1\.elb\.amazonaws\.com$/);
      expect(result.release).toBe("shop-dev-api:1");
      expect(JSON.stringify(result.state)).not.toContain(ECS_SECRET);
      const td = w.fake.world.ecs.taskDefs[0];
      const env = (td?.body.containerDefinitions as { environment: { name: string; value: string }[] }[])[0]
        ?.environment;
      expect(env).toContainEqual({ name: "HF_TOKEN", value: ECS_SECRET });
      const svc = w.fake.world.ecs.services.get("apiship/shop-dev-api");
      expect(svc?.desiredCount).toBe(1);
      expect(svc?.deployments[0]?.rolloutState).toBe("COMPLETED");
      expect(steps).toContain("done wait for rollout");
      const again = await ecsPlan(w, w.service, w.target, result.state);
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it("after an apply the state never recorded, reads the fingerprints from the revision: no second revision", async () => {
    const w = await ecsWorld();
    try {
      await ecsDeploy(w);
      // The first run applied, then failed before recording: the state is still empty.
      const again = await ecsPlan(w, w.service, w.target, undefined);
      expect(again.changes.filter((c) => c.action !== "no-op")).toEqual([]);
      await ecsDeploy(w);
      expect(w.fake.world.ecs.taskDefs).toHaveLength(1);
      expect(JSON.stringify(w.fake.world.ecs.taskDefs[0]?.body)).toContain("hmac-sha256:1");
    } finally {
      await w.close();
    }
  });

  it("a failing rollout names the stop reason and the circuit breaker keeps the last revision", async () => {
    const w = await ecsWorld();
    try {
      const first = await ecsDeploy(w);
      const bad = containerService("ghcr.io/acme/sentiment-api:missing");
      const reason =
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): ghcr.io/acme/sentiment-api:missing: not found";
      w.fake.world.ecs.failImages[bad.container?.image ?? ""] = reason;
      const err = await ecsDeploy(w, bad, undefined, first.result.state).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).code).toBe("ROLLOUT_FAILED");
      expect((err as ProviderError).message).toContain(reason);
      expect((err as ProviderError).message).toContain("circuit breaker");
      const svc = w.fake.world.ecs.services.get("apiship/shop-dev-api");
      expect(svc?.taskDefinition).toMatch(/task-definition\/shop-dev-api:1$/);
      const status = await ecsAdapter.status(await w.ctx(), first.result.state);
      expect(status.release).toBe("shop-dev-api:1");
    } finally {
      await w.close();
    }
  });

  it("rolls back natively to the recorded task definition revision", async () => {
    const w = await ecsWorld();
    try {
      const first = await ecsDeploy(w);
      const second = await ecsDeploy(
        w,
        containerService("ghcr.io/acme/sentiment-api:2.0.0"),
        undefined,
        first.result.state,
      );
      expect(second.result.release).toBe("shop-dev-api:2");
      const back = await ecsAdapter.rollback?.(await w.ctx(), second.result.state, first.result.state);
      expect(back?.release).toBe("shop-dev-api:1");
      expect(w.fake.world.ecs.services.get("apiship/shop-dev-api")?.taskDefinition).toMatch(/:1$/);
    } finally {
      await w.close();
    }
  });
});
