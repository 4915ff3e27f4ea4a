// The descriptor of ecsFargate (see ./ecs-fargate.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import { awsProfile, awsRegion, endpointOption } from "../_shared/options.js";
import { platformInfo } from "../../src/core/provider.js";

// CloudWatch Logs PutRetentionPolicy accepts only these day counts.
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const elbArn = /^arn:aws[a-zA-Z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:/;

const ecsOptions = () =>
  z.strictObject({
    region: awsRegion,
    endpoint: endpointOption("AWS (ECS, EC2, ELBv2, Logs)", "http://127.0.0.1:4566").optional(),
    profile: awsProfile.optional(),
    cluster: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,255}$/, { error: "must be 1-255 letters, digits, '-' or '_'" })
      .default("apiship")
      .meta({
        description: "ECS cluster the service runs in; created (and tagged) when missing.",
        examples: ["apis-prod"],
      }),
    vpc: z
      .string()
      .regex(/^vpc-[0-9a-f]+$/, { error: "must be a VPC id (vpc-...)" })
      .meta({
        description: "VPC of the service and its load balancer. Default: the region's default VPC.",
        examples: ["vpc-0a1b2c3d4e5f"],
      })
      .optional(),
    subnets: z
      .array(z.string().regex(/^subnet-[0-9a-f]+$/, { error: "must be a subnet id (subnet-...)" }))
      .min(1)
      .max(16)
      .meta({
        description: "Subnets of the tasks (1-16, all in `vpc`). Default: the default subnets of the VPC.",
        examples: [["subnet-0a1b2c3d", "subnet-4e5f6a7b"]],
      })
      .optional(),
    securityGroups: z
      .array(z.string().regex(/^sg-[0-9a-f]+$/, { error: "must be a security group id (sg-...)" }))
      .min(1)
      .max(5)
      .meta({
        description:
          "Security groups of the tasks (at most 5). Default: one created to admit only the load balancer.",
        examples: [["sg-0123abcd"]],
      })
      .optional(),
    // The API's default is DISABLED; in the default VPC (no NAT) that leaves tasks unable to pull
    // their image. The model's "must be DISABLED for the ECS controller" is about tasks on EC2,
    // whose awsvpc interfaces cannot take a public IP.
    assignPublicIp: z
      .boolean()
      .default(true)
      .meta({
        description:
          "Give each task a public IP (`assignPublicIp: ENABLED`). Needed in public subnets without a NAT gateway to pull the image; set false in private subnets.",
        examples: [false],
      }),
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-zA-Z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, {
        error: "must be an ACM certificate ARN",
      })
      .meta({
        description: "ACM certificate for an HTTPS listener on the load balancer. Default: HTTP only.",
        examples: ["arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"],
      })
      .optional(),
    loadBalancer: z
      .strictObject({
        arn: z
          .string()
          .regex(elbArn, { error: "must be an Elastic Load Balancing ARN" })
          .meta({
            description: "ARN of the existing Application Load Balancer.",
            examples: [
              "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/50dc6c495c0c9188",
            ],
          }),
        listenerArn: z
          .string()
          .regex(elbArn, { error: "must be an Elastic Load Balancing listener ARN" })
          .meta({
            description: "Listener the service's rule is added to.",
            examples: [
              "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2",
            ],
          }),
      })
      .meta({
        description: "Share an existing ALB instead of creating one per service.",
        examples: [
          {
            arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/50dc6c495c0c9188",
            listenerArn:
              "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2",
          },
        ],
      })
      .optional(),
    logRetentionDays: z
      .literal(LOG_RETENTION_DAYS, {
        error: `must be one of the CloudWatch retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
      })
      .default(30)
      .meta({ description: "Days the CloudWatch log group keeps the container logs.", examples: [14, 90] }),
    platformVersion: z
      .string()
      .regex(/^(LATEST|\d+\.\d+\.\d+)$/, { error: 'must be "LATEST" or a version such as "1.4.0"' })
      .default("LATEST")
      .meta({ description: "Fargate platform version of the tasks.", examples: ["1.4.0"] }),
  });

export type EcsOptions = z.infer<ReturnType<typeof ecsOptions>>;

export const ecsFargateInfo = platformInfo<EcsOptions>({
  id: "aws/ecs-fargate",
  provider: "aws",
  platform: "ecs-fargate",
  summary: "AWS ECS service on Fargate behind an Application Load Balancer; always on",
  kinds: ["container"],
  options: ecsOptions,
  // Fargate task sizes (RegisterTaskDefinition `cpu`/`memory`); timeout is the ALB idle-timeout
  // ceiling; 5000 tasks is the per-service quota.
  limits: { cpu: [0.25, 16], memory: [512, 122880], timeoutMs: 4_000_000, maxInstances: 5000 },
  capabilities: {
    nativeRollback: "circuit breaker, task definition revision",
    coldStart: "always on",
    scalesToZero: false,
  },
  // ECS allows a leading digit; a letter keeps names valid everywhere (src/manifest/names.ts).
  naming: {
    resource: "ECS service",
    maxLength: 255,
    lowercase: false,
    extraChars: "-_",
    startsWithLetter: true,
  },
  concurrency: 8,
});
