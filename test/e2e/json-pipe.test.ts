// `--json` read through a pipe: the CLI makes its stdout wait for the reader (output.ts,
// blockOnFullPipe) instead of queueing every write that did not fit. Seen from outside: while the
// reader holds back, the write end of the pipe in the CLI's process is a blocking descriptor, and
// the whole envelope arrives once the reader reads.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cleanup, ensureBuilt, tempDir, writeKubernetesManifests } from "./helpers.js";

const MANIFESTS = 80;
const O_NONBLOCK = 0o4000;
const linux = existsSync("/proc/self/fdinfo");

let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = tempDir();
  writeKubernetesManifests(dir, MANIFESTS);
});
afterAll(cleanup);

describe("plan --json into a pipe", () => {
  it.skipIf(!linux)(
    "writes through a blocking descriptor while the reader holds back, and delivers the whole envelope",
    async () => {
      const args = [
        "plan",
        "--offline",
        "-f",
        `${dir}/*/apiship.yaml`,
        "--state",
        `sqlite:${join(dir, "state.db")}`,
        "--json",
      ];
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
      const chunks: Buffer[] = [];
      let flags: number | undefined;
      child.stdout.once("data", (first: Buffer) => {
        // The envelope has started: hold back, so the CLI is still writing (about 350 KB, more
        // than a pipe and the stream's buffer hold), and read how its end of the pipe is open.
        child.stdout.pause();
        chunks.push(first);
        setTimeout(() => {
          const info = readFileSync(`/proc/${child.pid}/fdinfo/1`, "utf8");
          flags = parseInt(/^flags:\s+(\d+)/m.exec(info)?.[1] ?? "", 8);
          child.stdout.on("data", (c: Buffer) => chunks.push(c));
          child.stdout.resume();
        }, 200);
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(code).toBe(0);
      expect(flags).toBeDefined();
      expect((flags ?? O_NONBLOCK) & O_NONBLOCK).toBe(0);
      const envelope = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { result: { plans: unknown[] } };
      expect(envelope.result.plans).toHaveLength(MANIFESTS);
    },
  );
});
