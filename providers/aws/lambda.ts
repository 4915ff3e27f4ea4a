// AWS Lambda: a function behind a Function URL, published as versions behind a live alias so a
// rollback moves the alias back (DESIGN.md §7). The descriptor is lambda-info.ts; this behaviour reads as a
// table of contents: build (lambda-apply.ts), read/status (lambda-read.ts), plan (lambda-plan.ts,
// pure), apply/rollback/destroy (lambda-apply.ts). None of them imports an SDK at load time:
// clients.ts does, lazily, when the engine first needs clients.

import { defineTarget } from "../../src/core/provider.js";
import { cloudWatchLogGroupUrl, text, viaEndpoint } from "../_shared/console.js";
import type { AwsClients } from "./clients.js";
import { createAwsClients } from "./clients.js";
import { applyLambda, buildLambda, destroyLambda, rollbackLambda } from "./lambda-apply.js";
import { planLambda } from "./lambda-plan.js";
import { readLambda, statusLambda } from "./lambda-read.js";
import type { LambdaState } from "./lambda-state.js";
import { lambdaLogs } from "./logs.js";
import { whoamiLambda } from "./whoami.js";
import { lambdaInfo } from "./lambda-info.js";
import type { LambdaOptions } from "./lambda-info.js";
export { LAMBDA_RUNTIMES, runtimeId } from "./lambda-runtimes.js";
export type { LambdaState } from "./lambda-state.js";
export type { LambdaOptions } from "./lambda-info.js";

export const lambda = defineTarget<LambdaOptions, LambdaState, AwsClients>({
  ...lambdaInfo,
  createClients: createAwsClients,
  whoami: whoamiLambda,
  build: buildLambda,
  read: readLambda,
  plan: planLambda,
  apply: applyLambda,
  destroy: destroyLambda,
  status: statusLambda,
  logs: lambdaLogs,
  rollback: rollbackLambda,
  // The function's CloudWatch log group: Lambda writes to /aws/lambda/<function name>, and apiship
  // sets no custom LoggingConfig.
  consoleUrl: (target, state, name) => {
    if (viaEndpoint(target.options)) return undefined;
    const region = text(state?.region) ?? target.options.region;
    return cloudWatchLogGroupUrl(region, `/aws/lambda/${text(state?.name) ?? name}`);
  },
});
