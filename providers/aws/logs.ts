// The log groups `apiship logs` reads on AWS (cloudwatch-logs.ts does the reading). Lambda writes
// to /aws/lambda/<function name> (apiship sets no custom LoggingConfig) and creates it on the
// function's first log line; ECS writes where the task definition's awslogs driver says, in
// streams named <awslogs-stream-prefix>/<container>/<task id>.

import type { Ctx, LogEntry, LogQuery } from "../../src/core/provider.js";
import type { AwsClients, EcsClients } from "./clients.js";
import { readCloudWatchLogs } from "./cloudwatch-logs.js";
import { CONTAINER, names } from "./ecs-state.js";
import type { EcsState } from "./ecs-state.js";
import type { LambdaState } from "./lambda-state.js";

export async function* lambdaLogs(
  ctx: Ctx<AwsClients>,
  state: LambdaState,
  query: LogQuery,
): AsyncIterable<LogEntry> {
  const clients =
    state.region && state.region !== ctx.clients.region
      ? await ctx.clients.forRegion(state.region)
      : ctx.clients;
  const { client, sdk } = await clients.logs();
  const group = `/aws/lambda/${state.name}`;
  yield* readCloudWatchLogs(
    {
      client,
      sdk,
      target: ctx.target.name,
      group,
      missingHint: `Lambda creates ${group} when the function first logs: invoke it, then run apiship logs again`,
      pollMs: clients.pollIntervalMs,
      signal: ctx.signal,
    },
    query,
  );
}

export async function* ecsLogs(
  ctx: Ctx<EcsClients>,
  state: EcsState,
  query: LogQuery,
): AsyncIterable<LogEntry> {
  const region = state.logGroup?.region ?? state.region;
  const clients = region && region !== ctx.clients.region ? await ctx.clients.forRegion(region) : ctx.clients;
  const group = state.taskDefinition?.logGroup || state.logGroup?.name || names.logGroup(state.name);
  yield* readCloudWatchLogs(
    {
      client: clients.logs,
      sdk: clients.sdk.logs,
      target: ctx.target.name,
      group,
      // awslogs-stream-prefix is CONTAINER (ecs-task-definition.ts), and the container's name too.
      streamPrefix: `${CONTAINER}/`,
      missingHint: "apiship creates the log group with the service; deploy the target again to recreate it",
      pollMs: clients.pollIntervalMs,
      signal: ctx.signal,
    },
    query,
  );
}
