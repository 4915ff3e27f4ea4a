import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProviderError } from "../../../src/errors.js";
import { CloudFile } from "./cloud.js";

let dir = "";
let writer = "";

// The child writes through the very same cloud.ts, bundled so plain node can run it.
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "apiship-cloud-"));
  writer = join(dir, "writer.mjs");
  const cloudTs = fileURLToPath(new URL("./cloud.ts", import.meta.url));
  buildSync({
    stdin: {
      contents: `
        import { CloudFile } from ${JSON.stringify(cloudTs)};
        const [path, who, count] = process.argv.slice(2);
        const cloud = new CloudFile(path);
        const n = Number(count);
        for (let i = 0; n < 0 || i < n; i++) cloud.put("create", "item", who + "-" + i, { i }, {});
      `,
      resolveDir: dir,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: writer,
    logLevel: "silent",
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function freshPath(): string {
  return join(mkdtempSync(join(dir, "c-")), "cloud.json");
}

function startWriter(
  path: string,
  who: string,
  count: number,
): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [writer, path, who, String(count)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      if (code !== 0 && code !== null) console.error(stderr);
      resolve(code);
    }),
  );
  return { child, exited };
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

const tick = () => new Promise((r) => setImmediate(r));

describe("CloudFile", () => {
  it("starts empty and keeps what was written for the next process", () => {
    const path = freshPath();
    expect(new CloudFile(path).read()).toEqual({ resources: {}, calls: [] });
    new CloudFile(path).put("create", "bucket", "b1", { region: "r" }, { "apiship:stack": "s" });
    const again = new CloudFile(path).read();
    expect(again.resources.b1?.attributes).toEqual({ region: "r" });
    expect(again.resources.b1?.generation).toBe(1);
    expect(again.calls.map((c) => c.op)).toEqual(["create"]);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("refuses an update of a missing resource and a write to another owner's", () => {
    const cloud = new CloudFile(freshPath());
    expect(() => cloud.put("update", "role", "r1", {}, {})).toThrow(/does not exist/);
    cloud.put("create", "role", "r1", {}, { "apiship:stack": "a/dev" });
    const err = (() => {
      try {
        cloud.remove("role", "r1", { "apiship:stack": "b/dev" });
      } catch (e) {
        return e;
      }
    })();
    expect((err as ProviderError).code).toBe("Conflict");
    expect(cloud.get("r1")).toBeDefined();
    expect(cloud.read().calls).toHaveLength(1);
  });

  it("never loses a write with two async loops and another process writing at once", async () => {
    const path = freshPath();
    const other = startWriter(path, "child", 50);
    const cloud = new CloudFile(path);
    await until(() => "child-0" in cloud.read().resources);
    const loop = async (who: string) => {
      for (let i = 0; i < 50; i++) {
        new CloudFile(path).put("create", "item", `${who}-${i}`, { i }, {});
        await tick();
      }
    };
    await Promise.all([loop("a"), loop("b")]);
    expect(await other.exited).toBe(0);
    const data = cloud.read();
    expect(Object.keys(data.resources)).toHaveLength(150);
    expect(data.calls).toHaveLength(150);
    for (const who of ["a", "b", "child"])
      expect(data.calls.filter((c) => c.name.startsWith(`${who}-`))).toHaveLength(50);
  });

  it("is never torn by kill -9 mid-write, and the dead writer's lock is taken over", async () => {
    const path = freshPath();
    const { child, exited } = startWriter(path, "k", -1);
    const cloud = new CloudFile(path, { lockTimeoutMs: 10_000 });
    await until(() => cloud.read().calls.length >= 30);
    child.kill("SIGKILL");
    expect(await exited).toBeNull();
    const data = cloud.read();
    // Each put adds one resource and one call atomically: a torn or half-applied write would break this.
    expect(Object.keys(data.resources)).toHaveLength(data.calls.length);
    cloud.put("create", "item", "after-kill", {}, {});
    expect(cloud.read().calls).toHaveLength(data.calls.length + 1);
  });

  it("takes over a lock whose holder died", () => {
    const path = freshPath();
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: dead, host: hostname(), token: "x" }));
    new CloudFile(path, { lockTimeoutMs: 2_000 }).put("create", "item", "i", {}, {});
    expect(new CloudFile(path).get("i")).toBeDefined();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("waits for a live holder's lock, then times out retryably; an old one is taken over", () => {
    const path = freshPath();
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), token: "x" }));
    const err = (() => {
      try {
        new CloudFile(path, { lockTimeoutMs: 100 }).put("create", "item", "i", {}, {});
      } catch (e) {
        return e;
      }
    })();
    expect((err as ProviderError).code).toBe("CLOUD_LOCKED");
    expect((err as ProviderError).retryable).toBe(true);
    expect(readFileSync(`${path}.lock`, "utf8")).toContain('"token":"x"');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    new CloudFile(path, { lockTimeoutMs: 2_000, staleMs: 5_000 }).put("create", "item", "i", {}, {});
    expect(new CloudFile(path).get("i")).toBeDefined();
  });

  it("reports a file that is not a cloud as corrupt rather than overwriting it", () => {
    const path = freshPath();
    writeFileSync(path, "{ not json");
    expect(() => new CloudFile(path).put("create", "item", "i", {}, {})).toThrow(/not valid JSON/);
    expect(readFileSync(path, "utf8")).toBe("{ not json");
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
