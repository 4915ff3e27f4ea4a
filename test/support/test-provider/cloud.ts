// The test provider's "cloud": one JSON file that outlives any process, so a CLI killed with
// -9 mid-deploy leaves a cloud the next run can read and reconcile against. Several processes
// and parallel targets share the file, so every change is a read-modify-write under an
// exclusive lock file, written to a temp file, fsynced and renamed into place: a crash at any
// point leaves the old file or the new one, never a torn one. Synchronous fs on purpose: within
// one process a transaction then cannot interleave with another, and it is only a test double.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { ProviderError } from "../../../src/errors.js";
import { LockFile, errno } from "./lockfile.js";
import type { LockFileOptions } from "./lockfile.js";

export type CallOp = "create" | "update" | "replace" | "delete";

export interface CloudResource {
  type: string;
  attributes: Record<string, unknown>;
  tags: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  /** 1 on create, +1 on every update or replace: the service's release counter. */
  generation: number;
}

export interface CloudCall {
  op: CallOp;
  type: string;
  name: string;
  at: string;
  /** Set on a delete that found nothing (still a call the cloud answered). */
  notFound?: true;
}

export interface CloudData {
  resources: Record<string, CloudResource>;
  /** Every mutating call the cloud answered, oldest first: tests and benchmarks count them. */
  calls: CloudCall[];
}

export type CloudFileOptions = LockFileOptions;

export function emptyCloud(): CloudData {
  return { resources: {}, calls: [] };
}

export class CloudFile {
  readonly path: string;
  private readonly lock: LockFile;

  constructor(path: string, opts: CloudFileOptions = {}) {
    this.path = resolve(path);
    this.lock = new LockFile(`${this.path}.lock`, opts);
  }

  /** A consistent snapshot; no lock needed because the file is only ever replaced by rename. */
  read(): CloudData {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (e) {
      if (errno(e) === "ENOENT") return emptyCloud();
      throw new ProviderError(`cannot read the test cloud ${this.path}`, {
        code: "CLOUD_UNREADABLE",
        fault: "user",
        cause: e,
        hint: "check APISHIP_TEST_CLOUD (or targets.<name>.cloud) points at a readable file",
      });
    }
    return parseCloud(text, this.path);
  }

  get(name: string): CloudResource | undefined {
    return this.read().resources[name];
  }

  /** Runs `fn` on the current data under the lock and writes back whatever it leaves there. */
  transact<T>(fn: (data: CloudData) => T): T {
    this.lock.acquire();
    try {
      const data = this.read();
      const result = fn(data);
      this.writeAtomic(data);
      return result;
    } finally {
      this.lock.release();
    }
  }

  /**
   * One mutating call, in one transaction with its log entry. Like a real control plane it
   * refuses to touch a resource another stack or target owns, and an update of a missing
   * resource; a create of a resource this owner already has is idempotent (a retried create).
   */
  put(
    op: Exclude<CallOp, "delete">,
    type: string,
    name: string,
    attributes: Record<string, unknown>,
    tags: Record<string, string>,
  ): CloudResource {
    return this.transact((data) => {
      const now = new Date().toISOString();
      const prior = data.resources[name];
      if (prior !== undefined) checkOwner(prior, name, tags);
      else if (op === "update") throw notFound(type, name);
      const fresh = op === "replace" || prior === undefined;
      const res: CloudResource = {
        type,
        attributes,
        tags,
        createdAt: fresh ? now : prior.createdAt,
        updatedAt: now,
        generation: (prior?.generation ?? 0) + 1,
      };
      data.resources[name] = res;
      data.calls.push({ op, type, name, at: now });
      return res;
    });
  }

  /** Deletes a resource; false when it was already gone (which is success for the caller). */
  remove(type: string, name: string, tags: Record<string, string>): boolean {
    return this.transact((data) => {
      const prior = data.resources[name];
      if (prior !== undefined) checkOwner(prior, name, tags);
      delete data.resources[name];
      const call: CloudCall = { op: "delete", type, name, at: new Date().toISOString() };
      if (prior === undefined) call.notFound = true;
      data.calls.push(call);
      return prior !== undefined;
    });
  }

  private writeAtomic(data: CloudData): void {
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, JSON.stringify(data, null, 2) + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    // The rename itself is durable only once the directory entry is flushed.
    const dir = openSync(dirname(this.path), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}

/** Ownership is the `apiship:*` tags; a caller that passes none (a plain test) owns nothing in particular. */
export function checkOwner(res: CloudResource, name: string, tags: Record<string, string>): void {
  for (const [k, v] of Object.entries(tags)) {
    if (!k.startsWith("apiship:") || res.tags[k] === v) continue;
    throw new ProviderError(`${res.type} ${name} belongs to ${res.tags[k] ?? "nobody"} (${k}), not ${v}`, {
      code: "Conflict",
      fault: "user",
      hint: "physical names derive from the app and environment names; rename one, or delete the other resource",
    });
  }
}

function notFound(type: string, name: string): ProviderError {
  return new ProviderError(`${type} ${name} does not exist`, {
    code: "NotFound",
    hint: "the resource was deleted outside apiship; run `apiship plan` again to recreate it",
  });
}

function parseCloud(text: string, path: string): CloudData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ProviderError(`the test cloud ${path} is not valid JSON`, {
      code: "CLOUD_CORRUPT",
      fault: "internal",
      cause: e,
      hint: "the file is only ever replaced atomically; something else wrote to it",
    });
  }
  const data = raw as Partial<CloudData> | null;
  if (!data || typeof data.resources !== "object" || data.resources === null || !Array.isArray(data.calls)) {
    throw new ProviderError(`the test cloud ${path} is not a cloud file`, {
      code: "CLOUD_CORRUPT",
      fault: "internal",
      hint: 'expected { "resources": {...}, "calls": [...] }',
    });
  }
  return data as CloudData;
}
