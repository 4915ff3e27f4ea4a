// AWS Lambda and ECS Fargate against the AWS fake, reached as LocalStack is (AWS_ENDPOINT_URL,
// fake credentials). A loopback server stands in for the Function URL and for the ALB.

import { startAwsFake } from "../../fakes/aws/index.js";
import type { AwsFake } from "../../fakes/aws/index.js";
import type { Faults, Platform, Site } from "../platform-kit.js";
import {
  FaultSwitch,
  SECRET_VALUE,
  SECRET_VAR,
  loopbackHealth,
  manifestText,
  over,
  remaining,
  repeated,
  writeProject,
} from "../platform-kit.js";

const awsEnv = (fake: AwsFake) => ({
  AWS_ENDPOINT_URL: fake.url,
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_REGION: "us-east-1",
  APISHIP_AWS_POLL_MS: "5",
  [SECRET_VAR]: SECRET_VALUE,
});

async function awsSite(
  dir: string,
  faults: Faults,
  manifest: string,
  inventory: (f: AwsFake) => Pick<Site, "duplicates" | "leftovers">,
  tune: (f: AwsFake, healthHost: string, healthUrl: string) => void,
): Promise<Site> {
  const health = await loopbackHealth();
  const sw = new FaultSwitch(faults);
  const fake = await startAwsFake({
    knobs: sw.knobs(),
    world: { transitionMs: 5, urlFor: () => health.url },
  });
  sw.track(fake.knobs);
  tune(fake, health.host, health.url);
  writeProject(dir, manifest);
  return {
    env: awsEnv(fake),
    apiRequests: () => fake.requests.length,
    faults: (on) => sw.set(on),
    ...inventory(fake),
    close: async () => {
      await fake.close();
      await health.close();
    },
  };
}

export const lambda: Platform = {
  id: "aws/lambda",
  seed: 101,
  start: (dir, faults) =>
    awsSite(
      dir,
      faults,
      manifestText({
        code: "function: { runtime: nodejs20, handler: index.handler, source: ./src, interface: native }",
        target: "provider: aws, platform: lambda, region: us-east-1",
      }),
      (f) => ({
        duplicates: () => [
          ...over(1, { functions: f.world.functions.size, roles: f.world.roles.size }),
          // One code and configuration published once: a second version of it is a retried publish.
          ...[...f.world.functions.values()].flatMap((fn) => [
            ...repeated(`${fn.name} version of code`, fn.versions, (v) => v.codeSha256),
            ...over(1, {
              [`${fn.name} function URLs`]: fn.urls.size,
              [`${fn.name} aliases`]: fn.aliases.size,
            }),
          ]),
        ],
        leftovers: () =>
          remaining({
            functions: f.world.functions.size,
            roles: f.world.roles.size,
            "inline policies": f.world.inlinePolicies.size,
            buckets: f.world.buckets.size,
          }),
      }),
      () => undefined,
    ),
};

const activeServices = (f: AwsFake) =>
  [...f.world.ecs.services.values()].filter((s) => s.status === "ACTIVE");
const activeTaskDefs = (f: AwsFake) => f.world.ecs.taskDefs.filter((t) => t.status === "ACTIVE");

export const ecsFargate: Platform = {
  id: "aws/ecs-fargate",
  seed: 102,
  start: (dir, faults) =>
    awsSite(
      dir,
      faults,
      manifestText({
        code: 'container: { image: "ghcr.io/acme/shop:1", port: 8080 }',
        target: "provider: aws, platform: ecs-fargate, region: us-east-1",
        service: ["  resources: { cpu: 0.25, memory: 512 }"],
      }),
      (f) => ({
        duplicates: () => {
          const w = f.world;
          return [
            ...over(1, {
              "active clusters": [...w.ecs.clusters.values()].filter((c) => c.status === "ACTIVE").length,
              "active services": activeServices(f).length,
              "load balancers": w.elb.loadBalancers.size,
              "target groups": w.elb.targetGroups.size,
              listeners: w.elb.listeners.size,
              "log groups": w.logs.groups.size,
              roles: w.roles.size,
              "scaling targets": w.scaling.targets.size,
            }),
            // The load balancer's and the tasks' security groups.
            ...over(2, { "security groups": w.ec2.groups.size }),
            // One task definition body registered once: a second revision of it is a retried register.
            ...repeated("task definition", w.ecs.taskDefs, (t) => `${t.family} ${JSON.stringify(t.body)}`),
          ];
        },
        leftovers: () => {
          const w = f.world;
          return remaining({
            "active clusters": [...w.ecs.clusters.values()].filter((c) => c.status === "ACTIVE").length,
            "active services": activeServices(f).length,
            "active task definitions": activeTaskDefs(f).length,
            "running tasks": w.ecs.tasks.filter((t) => t.desiredStatus === "RUNNING").length,
            "load balancers": w.elb.loadBalancers.size,
            "target groups": w.elb.targetGroups.size,
            listeners: w.elb.listeners.size,
            "listener rules": w.elb.rules.size,
            "security groups": w.ec2.groups.size,
            "log groups": w.logs.groups.size,
            roles: w.roles.size,
            "inline policies": w.inlinePolicies.size,
            "scaling targets": w.scaling.targets.size,
            "scaling policies": w.scaling.policies.size,
          });
        },
      }),
      (f, healthHost) => {
        f.world.ecs.rolloutMs = 20;
        // The ALB's DNS name is the loopback server, so http://<DNSName>/healthz reaches it.
        f.world.elb.dnsNameFor = () => healthHost;
      },
    ),
};
