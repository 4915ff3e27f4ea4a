// The descriptor of lambda (see ./lambda.ts for the behaviour): its options schema,
// kinds, limits and naming, plain data the registry lists without loading the code that plans,
// deploys or reads the platform (src/core/provider.ts, lazyTarget).

import * as z from "zod";
import { awsProfile, awsRegion, endpointOption } from "../_shared/options.js";
import { LAMBDA_RUNTIMES } from "./lambda-runtimes.js";
import { platformInfo } from "../../src/core/provider.js";

const roleArn = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

const layerArn = /^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$/;

// S3 bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens.
const bucketName = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const lambdaOptions = () =>
  z.strictObject({
    region: awsRegion,
    endpoint: endpointOption("AWS (Lambda, IAM, S3)", "http://127.0.0.1:4566").optional(),
    profile: awsProfile.optional(),
    role: z
      .string()
      .regex(roleArn, { error: "must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/api-exec" })
      .meta({
        description:
          "ARN of an existing execution role. Default: apiship creates a role with the basic execution policy (and VPC access when `vpc` is set).",
        examples: ["arn:aws:iam::123456789012:role/sentiment-api-exec"],
      })
      .optional(),
    artifactBucket: z
      .string()
      .regex(bucketName, { error: "must be an S3 bucket name: 3-63 lowercase letters, digits, '.' or '-'" })
      .meta({
        description:
          "S3 bucket the code zip is uploaded to before CreateFunction/UpdateFunctionCode. Default: the zip goes inline in the request (up to 50 MB).",
        examples: ["acme-deploy-artifacts"],
      })
      .optional(),
    architecture: z
      .enum(["x86_64", "arm64"])
      .default("x86_64")
      .meta({
        description:
          "Instruction set of the function (`Architectures`); arm64 (Graviton) is cheaper per GB-second.",
        examples: ["arm64"],
      }),
    ephemeralStorage: z
      .int()
      .min(512)
      .max(10240)
      .default(512)
      .meta({ description: "Size of /tmp in MiB (512-10240).", examples: [2048] }),
    layers: z
      .array(z.string().regex(layerArn, { error: "must be a layer version ARN ending in :<version>" }))
      // Lambda quota: at most five layers per function.
      .max(5)
      .meta({
        description: "Layer version ARNs added to the function, in order (at most 5).",
        examples: [["arn:aws:lambda:us-east-1:123456789012:layer:shared-deps:3"]],
      })
      .optional(),
    vpc: z
      .strictObject({
        subnetIds: z
          .array(z.string().regex(/^subnet-[0-9a-f]+$/, { error: "must be a subnet id (subnet-...)" }))
          .min(1)
          .max(16)
          .meta({
            description: "Subnets the function's network interfaces go to (1-16).",
            examples: [["subnet-0a1b2c3d"]],
          }),
        securityGroupIds: z
          .array(z.string().regex(/^sg-[0-9a-f]+$/, { error: "must be a security group id (sg-...)" }))
          .min(1)
          .max(5)
          .meta({ description: "Security groups of those interfaces (1-5).", examples: [["sg-0123abcd"]] }),
      })
      .meta({
        description: "Run the function inside a VPC (to reach private databases). Default: no VPC.",
        examples: [{ subnetIds: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"], securityGroupIds: ["sg-0123abcd"] }],
      })
      .optional(),
  });

export type LambdaOptions = z.infer<ReturnType<typeof lambdaOptions>>;

export const lambdaInfo = platformInfo<LambdaOptions>({
  id: "aws/lambda",
  provider: "aws",
  platform: "lambda",
  summary: "AWS Lambda function with a Function URL; versions behind a live alias",
  kinds: ["function"],
  runtimes: LAMBDA_RUNTIMES,
  options: lambdaOptions,
  limits: { memory: [128, 10240], timeoutMs: 900_000 },
  capabilities: {
    nativeRollback: "alias → previous version",
    coldStart: "provisioned concurrency",
    scalesToZero: true,
  },
  // Lambda allows a leading digit; a letter keeps names valid everywhere (src/manifest/names.ts).
  naming: {
    resource: "Lambda function",
    maxLength: 64,
    lowercase: false,
    extraChars: "-_",
    startsWithLetter: true,
  },
  concurrency: 8,
});
