// stackLogs for a platform without logs(): the target is reported with the console URL its
// adapter's consoleUrl builds from the target's options, its recorded state and its physical
// name, never silently skipped.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defineProvider, defineTarget } from "../core/provider.js";
import type { LogEntry, LogQuery, ProviderModule } from "../core/provider.js";
import { Registry } from "../core/registry.js";
import type { Stack } from "../manifest/types.js";
import { MemoryStateStore } from "../state/memory.js";
import type { World } from "../../test/support/engine-world.js";
import { FAST_RETRY, makeWorld, planOf, stackOf } from "../../test/support/engine-world.js";
import { service } from "../../test/support/test-provider/service.js";
import { deployStack } from "./executor.js";
import { stackLogs } from "./logs.js";
import type { LogsUnavailable, TargetLogEntry } from "./logs.js";

/** The test provider's platform (which has no logs()), with or without a consoleUrl. */
function providerWith(consoleUrl: boolean, logsHint?: string): ProviderModule {
  const target = defineTarget({
    ...service,
    ...(logsHint ? { logsHint: () => logsHint } : {}),
    ...(consoleUrl
      ? {
          consoleUrl: (t, state, name) =>
            `https://console.test/${t.options.region}/${state?.name ?? "(no state)"}/${name}/logs`,
        }
      : {}),
  } satisfies typeof service);
  return defineProvider({ id: "test", summary: "test", targets: [target] });
}

let w: World;
beforeEach(() => {
  w = makeWorld();
});
afterEach(() => w.cleanup());

async function deployedLogs(
  provider: ProviderModule,
  targets?: string[],
  query: LogQuery = { follow: false },
): Promise<{ unavailable: LogsUnavailable[]; entries: TargetLogEntry[] }> {
  const world = { ...w, registry: new Registry({ test: async () => provider }) };
  const stack: Stack = stackOf(2);
  const store = new MemoryStateStore();
  const deployed = await deployStack({
    stack,
    plan: await planOf(world, stack, store),
    registry: world.registry,
    store,
    env: w.env,
    baseDir: w.dir,
    retry: FAST_RETRY,
    healthCheck: false,
  });
  expect(deployed.exitCode).toBe(0);
  const entries: TargetLogEntry[] = [];
  const unavailable = await stackLogs({
    stack,
    registry: world.registry,
    store,
    env: w.env,
    ...(targets ? { targets } : {}),
    query,
    signal: new AbortController().signal,
    onEntry: (e) => entries.push(e),
  });
  return { unavailable, entries };
}

describe("stackLogs for a platform without logs()", () => {
  it("reports each deployed target with its console URL, built from options, state and name", async () => {
    const { unavailable, entries } = await deployedLogs(providerWith(true));
    expect(entries).toEqual([]);
    expect(unavailable).toEqual([
      {
        target: "t00",
        platform: "test/service",
        reason: "apiship cannot read test/service logs yet",
        consoleUrl: "https://console.test/local-1/shop-dev-t00/shop-dev-t00/logs",
      },
      {
        target: "t01",
        platform: "test/service",
        reason: "apiship cannot read test/service logs yet",
        consoleUrl: "https://console.test/local-1/shop-dev-t01/shop-dev-t01/logs",
      },
    ]);
  });

  it("reports only the targets asked for", async () => {
    const { unavailable } = await deployedLogs(providerWith(true), ["t01"]);
    expect(unavailable.map((u) => u.target)).toEqual(["t01"]);
  });

  it("reports the target without a URL when the platform names no console", async () => {
    const { unavailable } = await deployedLogs(providerWith(false));
    expect(unavailable).toHaveLength(2);
    for (const u of unavailable) {
      expect(u.reason).toBe("apiship cannot read test/service logs yet");
      expect(u).not.toHaveProperty("consoleUrl");
    }
  });
});

describe("stackLogs for a platform that says how to read its logs by hand", () => {
  it("reports its logsHint beside the console URL", async () => {
    const { unavailable } = await deployedLogs(providerWith(true, "ssh in and run docker logs"), ["t00"]);
    expect(unavailable).toEqual([
      {
        target: "t00",
        platform: "test/service",
        reason: "apiship cannot read test/service logs yet",
        hint: "ssh in and run docker logs",
        consoleUrl: "https://console.test/local-1/shop-dev-t00/shop-dev-t00/logs",
      },
    ]);
  });
});

describe("stackLogs --grep", () => {
  // A platform that ignores grep: the engine's own filter is what makes --grep hold everywhere.
  const lines: LogEntry[] = [
    { message: "GET /a 200" },
    { message: "GET /b 503 upstream Timeout" },
    { message: "error: timeout" },
  ];
  const chatty = defineProvider({
    id: "test",
    summary: "test",
    targets: [
      defineTarget({
        ...service,
        logs: async function* () {
          yield* lines;
        },
      } satisfies typeof service),
    ],
  });

  it("keeps the entries containing the text, case-sensitive", async () => {
    const { entries } = await deployedLogs(chatty, ["t00"], { follow: false, grep: "timeout" });
    expect(entries.map((e) => e.message)).toEqual(["error: timeout"]);
  });

  it("keeps the entries matching a /regex/flags", async () => {
    const { entries } = await deployedLogs(chatty, ["t00"], { follow: false, grep: "/TIMEOUT| 200$/i" });
    expect(entries.map((e) => e.message)).toEqual([
      "GET /a 200",
      "GET /b 503 upstream Timeout",
      "error: timeout",
    ]);
  });
});

describe("stackLogs when a platform's logs() fails", () => {
  it("reports the target with the error's message and hint, and still reads the others", async () => {
    const { ProviderError } = await import("../errors.js");
    const failing = defineProvider({
      id: "test",
      summary: "test",
      targets: [
        defineTarget({
          ...service,
          logs: async function* (ctx) {
            if (ctx.target.name === "t00")
              throw new ProviderError("log group /aws/lambda/x does not exist", {
                code: "NOT_FOUND",
                hint: "invoke it first",
              });
            yield { message: "ok" };
          },
        } satisfies typeof service),
      ],
    });
    const { unavailable, entries } = await deployedLogs(failing);
    expect(entries.map((e) => [e.target, e.message])).toEqual([["t01", "ok"]]);
    expect(unavailable).toEqual([
      {
        target: "t00",
        platform: "test/service",
        reason: "log group /aws/lambda/x does not exist",
        hint: "invoke it first",
      },
    ]);
  });
});
