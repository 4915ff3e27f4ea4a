// What the numbered migrations of both SQL stores share: the shape of a step, the version of
// the apiship writing the state, and the refusal of a state written by a newer apiship.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InternalError, StateError } from "../../errors.js";

export interface Migration {
  /** 1, 2, 3 ...: applied in order, each exactly once, recorded in meta.schema_version. */
  version: number;
  up: string[];
}

/** The highest version of an ordered list, checking that it is 1..n without gaps. */
export function latestVersion(steps: readonly Migration[]): number {
  steps.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new InternalError(`migration ${i + 1} is numbered ${m.version}`, {
        hint: "this is a bug in apiship",
      });
    }
  });
  return steps.length;
}

export function pendingSteps(steps: readonly Migration[], current: number): Migration[] {
  return steps.filter((m) => m.version > current);
}

let cachedVersion: string | undefined;

/** This apiship's version, from its package.json (found upward from this file, in src/ or dist/). */
export function apishipVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
    if (pkg.name === "apiship" && typeof pkg.version === "string") return (cachedVersion = pkg.version);
  }
  return (cachedVersion = "unknown");
}

/** Refuses a state whose schema is newer than this apiship understands, before anything is written. */
export function checkNotNewer(
  url: string,
  found: number,
  latest: number,
  writtenBy: string | undefined,
): void {
  if (found <= latest) return;
  const by = writtenBy ? `, apiship ${writtenBy}` : "";
  throw new StateError(
    `state ${url} was written by a newer apiship (schema version ${found}${by}); ` +
      `this apiship ${apishipVersion()} understands schema versions up to ${latest}`,
    {
      hint: "upgrade apiship to the version your team uses (npm install -g apiship@latest); the state was left untouched",
    },
  );
}

export function badSchemaVersion(url: string, raw: unknown): StateError {
  return new StateError(`state ${url} has an unreadable schema version ${JSON.stringify(raw)}`, {
    hint: "the meta table was edited outside apiship; restore the state from a backup",
  });
}

/** Parses meta.schema_version, refusing anything that is not a positive integer. */
export function parseSchemaVersion(url: string, raw: unknown): number {
  const n = typeof raw === "number" ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badSchemaVersion(url, raw);
  return n;
}
