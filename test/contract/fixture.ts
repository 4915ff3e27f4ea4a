// The set-up the contract tests' fixtures share (the lifecycle they run is lifecycle.ts): the
// shop/dev stack holding the one target, a Ctx with quiet progress and log, and a whole fixture
// made either from a platform whose clients come from `createClients` with an env, or from a
// fake's harness world that already has its stack, target and Ctx. What each platform's test
// checks stays in the test: its adapter and fake, the update and the replace (with the attribute
// that forces it), the secrets, and what its close asserts about the fake.

import type { Ctx, DeployableTarget } from "../../src/core/provider.js";
import type { ServiceSpec, Stack, TargetSpec } from "../../src/manifest/types.js";
import { quietCtx } from "../support/quiet-ctx.js";
import { baseService } from "../support/test-provider/harness.js";
import type { LifecycleFixture } from "./lifecycle.js";

type Adapter = DeployableTarget<Record<string, unknown>, object, unknown>;

/** What every platform's test decides for itself. */
type Edits = Pick<LifecycleFixture, "update" | "replace">;

/** The update most platforms' tests make: twice the memory. */
export const doubleMemory = (svc: ServiceSpec): ServiceSpec => ({
  ...svc,
  resources: { ...svc.resources, memory: svc.resources.memory * 2 },
});

/** The update the others make: one environment value changed. */
export const debugLogLevel = (svc: ServiceSpec): ServiceSpec => ({
  ...svc,
  env: { ...svc.env, LOG_LEVEL: "debug" },
});

/** The stack every contract test deploys: shop/dev, with the one target. */
export function shopStack(service: ServiceSpec, target: TargetSpec, baseDir?: string): Stack {
  return {
    id: "shop/dev",
    app: "shop",
    environment: "dev",
    service,
    targets: [target],
    ...(baseDir ? { baseDir } : {}),
  };
}

/** The secrets the lifecycle applies, each with the fingerprint its plans compare. */
const withSecrets = (secrets: Record<string, string> | undefined) =>
  secrets
    ? {
        secretHashes: Object.fromEntries(Object.keys(secrets).map((k) => [k, "hmac-sha256:1"])),
        secrets,
      }
    : {};

export interface ClientsFixture<C> extends Edits {
  /** The platform: its options schema parses `target.options`, its createClients makes the clients. */
  adapter: unknown;
  /** Physical base name of the target. */
  name: string;
  /** The target, with its options as written in a manifest. */
  target: TargetSpec;
  /** The service deployed; baseService unless given. */
  service?: ServiceSpec;
  baseDir?: string;
  /** The env createClients is given: the token and the poll intervals. */
  env: Record<string, string>;
  /** Adjusts the clients createClients made. */
  clients?: (clients: C) => C;
  /** Secret values applied, by name (each planned with the fingerprint "hmac-sha256:1"). */
  secrets?: Record<string, string>;
  close(): Promise<void>;
}

/** A fixture for a platform reached through `createClients({ target, env })`. */
export function clientsFixture<C = unknown>(f: ClientsFixture<C>): LifecycleFixture {
  const adapter = f.adapter as Adapter;
  const target = { ...f.target, options: adapter.options.parse(f.target.options) };
  const stack = shopStack(f.service ?? baseService, target, f.baseDir);
  return {
    adapter,
    name: f.name,
    stack,
    target,
    ...withSecrets(f.secrets),
    ctx: async (t: TargetSpec): Promise<Ctx<unknown>> => {
      const clients = (await adapter.createClients({ target: t, env: f.env })) as C;
      return quietCtx(f.clients ? f.clients(clients) : clients, stack, t);
    },
    update: f.update,
    replace: f.replace,
    close: f.close,
  };
}

/** A fake's harness world: its stack and target, and a Ctx whose clients reach the fake. */
export interface HarnessWorld {
  stack: Stack;
  target: TargetSpec;
  ctx(target: TargetSpec): Promise<Ctx<unknown>>;
  close(): Promise<void>;
}

export interface WorldFixture extends Edits {
  adapter: unknown;
  /** Physical base name of the target. */
  name: string;
  /** Secret values applied, by name (each planned with the fingerprint "hmac-sha256:1"). */
  secrets?: Record<string, string>;
  /** Tears down more than the world; the world's own close unless given. */
  close?: () => Promise<void>;
}

/** A fixture for a platform deployed into a fake's harness world. */
export function worldFixture(w: HarnessWorld, f: WorldFixture): LifecycleFixture {
  return {
    adapter: f.adapter as Adapter,
    name: f.name,
    stack: w.stack,
    target: w.target,
    ...withSecrets(f.secrets),
    ctx: (t: TargetSpec) => w.ctx(t),
    update: f.update,
    replace: f.replace,
    close: f.close ?? (() => w.close()),
  };
}
