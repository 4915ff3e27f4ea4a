// What apiship records for an aws/lambda target (plain JSON, never a secret value) and the names
// and tags its resources get. Shared by the pure planner and the I/O modules.

import type { NameRule } from "../../src/core/provider.js";
import { physicalName } from "../../src/manifest/names.js";

export const ALIAS = "live";
/** Statement ids of the resource-based policy a public Function URL needs. */
export const URL_STATEMENT = "apiship-public-url";
export const INVOKE_STATEMENT = "apiship-public-invoke";
export const TAG_STACK = "apiship:stack";
export const TAG_TARGET = "apiship:target";
/** On the role, so destroy deletes only a role apiship made. */
export const TAG_MANAGED = "apiship:managed";

export interface RoleState {
  name: string;
  arn: string;
  /** True when apiship created the role (and so may delete it). */
  managed: boolean;
  policies: string[];
  tags: Record<string, string>;
}

/** The function's attributes as planned and compared (the $LATEST configuration). */
export interface FunctionAttrs {
  region: string;
  architecture: string;
  runtime: string;
  handler: string;
  memory: number;
  /** Seconds. */
  timeout: number;
  ephemeralStorage: number;
  env: Record<string, string>;
  /** Secret name → keyed hash of the value the function holds; never the value. */
  secrets: Record<string, string>;
  layers: string[];
  vpc: { subnetIds: string[]; securityGroupIds: string[] } | null;
  role: string;
  /** Base64 SHA-256 of the deployment package. */
  codeSha256: string;
  tags: Record<string, string>;
}

export interface FunctionState extends FunctionAttrs {
  arn: string;
  state?: string;
  lastUpdateStatus?: string;
}

export interface AliasState {
  name: string;
  functionVersion: string;
  arn?: string;
}

export interface UrlState {
  url: string;
  authType: "NONE" | "AWS_IAM";
  /** The resource-based permissions a public URL needs are in place. */
  publicInvoke: boolean;
}

export interface ConcurrencyState {
  /** Provisioned concurrency on the alias; 0 when none. */
  provisioned: number;
  /** Reserved concurrency of the function; null when unreserved. */
  reserved: number | null;
}

export interface LambdaState {
  /** Function name (the target's physical base name). */
  name: string;
  region: string;
  role?: RoleState;
  function?: FunctionState;
  alias?: AliasState;
  url?: UrlState;
  concurrency?: ConcurrencyState;
}

const ROLE_RULE: NameRule = {
  resource: "IAM role",
  maxLength: 64,
  lowercase: false,
  extraChars: "-_",
  startsWithLetter: true,
};

export function roleNameFor(functionName: string): string {
  return physicalName(ROLE_RULE, [functionName, "exec"]);
}

function partition(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** Managed policies of the role apiship creates: logs, plus ENI management inside a VPC. */
export function rolePolicies(region: string, vpc: boolean): string[] {
  const base = `arn:${partition(region)}:iam::aws:policy/service-role/`;
  const out = [`${base}AWSLambdaBasicExecutionRole`];
  if (vpc) out.push(`${base}AWSLambdaVPCAccessExecutionRole`);
  return out;
}

export function ownerTags(stackId: string, target: string): Record<string, string> {
  return { [TAG_STACK]: stackId, [TAG_TARGET]: target };
}

/** Placeholder of a value the cloud assigns during apply. */
export const KNOWN_AFTER_APPLY = "(known after apply)";
