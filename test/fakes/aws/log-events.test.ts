// The fake's FilterLogEvents through the real SDK client: the refusals CloudWatch makes, so the
// adapter cannot pass against the fake with a request the service would reject.

import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { FilterLogEventsCommandInput } from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAwsFake } from "./index.js";
import type { AwsFake } from "./index.js";
import { appendLogEvents, parsePattern } from "./log-events.js";

let fake: AwsFake;
let client: CloudWatchLogsClient;
const T0 = Date.parse("2026-12-07T10:00:00.000Z");

beforeAll(async () => {
  fake = await startAwsFake();
  fake.world.logs.pageLimit = 2;
  client = new CloudWatchLogsClient({
    region: "us-east-1",
    endpoint: fake.url,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  appendLogEvents(fake.world, "/g", "b", [{ timestamp: T0 + 2, message: "two ERROR x" }]);
  appendLogEvents(fake.world, "/g", "a", [
    { timestamp: T0 + 1, message: "one" },
    { timestamp: T0 + 3, message: "three ERROR" },
  ]);
});
afterAll(() => fake.close());

const send = (input: FilterLogEventsCommandInput) => client.send(new FilterLogEventsCommand(input));

describe("fake FilterLogEvents", () => {
  it("interleaves streams by time, pages by nextToken, and reverses with startFromHead false", async () => {
    const p1 = await send({ logGroupName: "/g" });
    expect(p1.events?.map((e) => e.message)).toEqual(["one", "two ERROR x"]);
    expect(p1.events?.[0]?.eventId).toMatch(/^\d{56}$/);
    const p2 = await send({ logGroupName: "/g", nextToken: p1.nextToken });
    expect(p2.events?.map((e) => e.message)).toEqual(["three ERROR"]);
    expect(p2.nextToken).toBeUndefined();
    const back = await send({ logGroupName: "/g", startTime: T0, startFromHead: false });
    expect(back.events?.map((e) => e.message)).toEqual(["three ERROR", "two ERROR x"]);
  });

  it("filters by quoted phrase and bare terms, all of which must occur", async () => {
    const r = await send({ logGroupName: "/g", filterPattern: 'ERROR "x"' });
    expect(r.events?.map((e) => e.message)).toEqual(["two ERROR x"]);
    expect(parsePattern('"a b" c')).toEqual(["a b", "c"]);
  });

  it("refuses what CloudWatch refuses, and patterns it does not model", async () => {
    await expect(send({ logGroupName: "/missing" })).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    await expect(send({ logGroupName: "/g", startFromHead: false })).rejects.toMatchObject({
      name: "InvalidParameterException",
    });
    await expect(send({ logGroupName: "/g", nextToken: "bm90LWEtdG9rZW4" })).rejects.toMatchObject({
      name: "InvalidParameterException",
    });
    const first = await send({ logGroupName: "/g" });
    await expect(
      send({ logGroupName: "/g", filterPattern: "one", nextToken: first.nextToken }),
    ).rejects.toThrow(/nextToken is invalid/);
    await expect(send({ logGroupName: "/g", limit: 0 })).rejects.toMatchObject({
      name: "InvalidParameterException",
    });
    await expect(send({ logGroupName: "/g", filterPattern: '"open' })).rejects.toThrow(/unbalanced/);
    await expect(send({ logGroupName: "/g", filterPattern: "%ERR.R%" })).rejects.toThrow(/does not model/);
  });
});
