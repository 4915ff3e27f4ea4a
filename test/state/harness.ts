// Shared fixtures of the state-store behaviour suite: a controllable clock, lock holders on
// this host and elsewhere, and a pid that certainly belonged to a process that has exited.

import { spawn } from "node:child_process";
import { afterEach, beforeEach } from "vitest";
import os from "node:os";
import type { StoreOptions } from "../../src/state/common.js";
import type { LockHolder, StateStore, TargetRecord } from "../../src/state/store.js";

/** What each store's test file provides to `describeStateStore`. */
export interface StoreHarness {
  /** A new client over the same storage: a second call is a second, independent connection. */
  open(opts: StoreOptions): Promise<StateStore>;
  /** True when data outlives the client (a file, a database). */
  persistent: boolean;
  /** Writes a schema version newer than this apiship knows straight into the storage. */
  setSchemaVersion?(version: number): Promise<void>;
  /** A digest of everything stored, to prove that a refused open changed nothing. */
  fingerprint?(): Promise<string>;
  /** Closes what `open` returned and deletes the storage. */
  cleanup(): Promise<void>;
}

export type HarnessFactory = () => Promise<StoreHarness>;

export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function testClock(start = Date.parse("2025-06-01T12:00:00.000Z")): TestClock {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export const STACK = "shop-api/production";
export const OTHER_STACK = "shop-api/staging";
export const MINUTE = 60_000;

/** Holders on other machines: the store cannot check their pid, only their heartbeat. */
export const alice: LockHolder = {
  user: "alice",
  host: "build-7.example",
  pid: 123,
  command: "apiship deploy",
};
export const bob: LockHolder = {
  user: "bob",
  host: "laptop-bob.example",
  pid: 456,
  command: "apiship deploy --env production",
  ciRunUrl: "https://github.com/acme/shop/actions/runs/42",
};

/** A holder that is this very (live) process. */
export function liveLocalHolder(): LockHolder {
  return { user: "carol", host: os.hostname(), pid: process.pid, command: "apiship deploy" };
}

/** The pid of a child process that has already exited (and been reaped). */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  const pid = child.pid;
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", () => resolve());
  });
  if (pid === undefined) throw new Error("child process got no pid");
  return pid;
}

export function record(target: string, image: string): TargetRecord {
  return {
    target,
    platform: "aws/lambda",
    name: `shop-api-production-${target}`,
    state: { functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${target}`, image },
    outputs: { url: `https://${target}.example.com` },
    endpoint: `https://${target}.example.com`,
    deployedAt: "2025-06-01T12:00:00.000Z",
  };
}

/** Settles all and splits outcomes: races must have exactly one winner. */
export async function race<T>(tasks: Promise<T>[]): Promise<{ won: T[]; lost: unknown[] }> {
  const settled = await Promise.allSettled(tasks);
  return {
    won: settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : [])),
    lost: settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : [])),
  };
}

export interface SuiteContext {
  h: StoreHarness;
  clock: TestClock;
  store: StateStore;
}

/** Wires a fresh harness, clock and store around each test of a describe block. */
export function useStore(factory: HarnessFactory): SuiteContext {
  const ctx = {} as SuiteContext;
  beforeEach(async () => {
    ctx.h = await factory();
    ctx.clock = testClock();
    ctx.store = await ctx.h.open({ now: ctx.clock.now });
  });
  afterEach(async () => {
    await ctx.h.cleanup();
  });
  return ctx;
}
