// What local/process and local/container share: their common options, and their plan's one
// resource, which cannot change in place (a new anything replaces it) and is replaced too when it
// is no longer running.

import * as z from "zod";
import type { ResourceChange } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { diffAttributes } from "../../src/plan/diff.js";
import { changeReason } from "../_shared/plan.js";

/** Loopback addresses: only this machine can connect. */
export const isLoopback = (host: string) =>
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === "::1" || host === "localhost";

/**
 * `access: private` on this machine means listening on loopback only, which the default host
 * does; a shared interface would let the network in, so that pair is refused at plan time.
 */
export function checkLocalAccess(access: string, host: string, platform: string, target: string): void {
  if (access !== "private" || isLoopback(host)) return;
  throw new ProviderError(
    `access: private, but ${platform} listens on ${host}, which the network can reach`,
    {
      code: "UNSUPPORTED",
      fault: "user",
      target,
      hint: "drop `host:` (127.0.0.1 by default) to keep the API on this machine, or use access: public to share it",
    },
  );
}

export const portOption = z
  .int()
  .min(1)
  .max(65535)
  .meta({
    description:
      "Port on this machine. Default: a free port, chosen on the first deploy and kept across deploys.",
    examples: [8080],
  });

export const hostOption = z
  .string()
  .min(1)
  .default("127.0.0.1")
  .meta({
    description:
      "Interface to listen on. The default keeps the API on this machine; 0.0.0.0 shares it on the network.",
    examples: ["127.0.0.1", "0.0.0.0"],
  });

export const stopTimeoutOption = (seconds: number) =>
  z
    .int()
    .min(0)
    .max(300)
    .default(seconds)
    .meta({ description: "Seconds between SIGTERM and SIGKILL when it is stopped.", examples: [10] });

/** Secret name → keyed hash; an offline plan keeps what is held for a name it cannot hash. */
export function secretHashesOf(
  secrets: Record<string, string>,
  hashes: Record<string, string>,
  held: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of Object.keys(secrets).sort()) out[n] = hashes[n] ?? held[n] ?? "";
  return out;
}

/** The one resource's change: any difference replaces it, and so does not running any more. */
export function replaceOnlyChange(
  type: "process" | "container",
  name: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
  running: boolean | undefined,
): ResourceChange {
  const diff = diffAttributes(before, after, { sensitive: ["secrets"], forcesReplace: Object.keys(after) });
  let action = diff.action;
  let reason = changeReason(action, diff.changedPaths, diff.replacePaths);
  if (before && running === false) {
    action = "replace";
    reason = `the ${type} is not running (it exited, or was stopped or killed)`;
  } else if (action === "create") reason = "not running on this machine";
  const change: ResourceChange = {
    type,
    name,
    action,
    before,
    after,
    sensitivePaths: diff.sensitivePaths,
    replacePaths: diff.replacePaths,
    dependsOn: [],
  };
  if (reason !== undefined) change.reason = reason;
  return change;
}
