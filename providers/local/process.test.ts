// local/process below the CLI: the pure plan, the process identity that keeps apiship from
// signalling a reused pid, and the log file reader.

import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Ctx, LogEntry } from "../../src/core/provider.js";
import { buildLocal } from "./build.js";
import { readLogFile } from "./logs.js";
import { identify, isOurs, stopProcess } from "./pids.js";
import { planProcess } from "./process-plan.js";
import type { LocalPlanRequest } from "./process-plan.js";
import type { LocalProcessState } from "./state.js";

const dir = mkdtempSync(join(tmpdir(), "apiship-local-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function request(over: Partial<LocalPlanRequest> = {}): LocalPlanRequest {
  return {
    stack: {
      id: "app/development",
      app: "app",
      environment: "development",
      service: {} as never,
      targets: [],
    },
    target: {
      name: "local",
      provider: "local",
      platform: "process",
      options: { host: "127.0.0.1", python: "python3", stopTimeout: 5 },
    },
    service: {
      kind: "function",
      function: { runtime: "nodejs20", handler: "index.handler", source: ".", interface: "portable" },
      env: { A: "1" },
      secrets: { TOKEN: "env:TOKEN" },
      resources: { memory: 256 },
      scaling: { min: 0, max: 1 },
      health: { path: "/healthz", status: 200, timeoutMs: 1000, attempts: 1, intervalMs: 10 },
      access: "public",
      timeoutMs: 1000,
    },
    name: "app-development-local",
    recorded: undefined,
    observed: undefined,
    secretHashes: { TOKEN: "hmac:1" },
    artifact: { path: dir, sha256: "a".repeat(64), digest: "a".repeat(64), bytes: 10 },
    ...over,
  };
}

const running: LocalProcessState = {
  pid: 1234,
  identity: "boot:1",
  command: ["node", "supervise.mjs"],
  run: ["node", "apiship-server.mjs"],
  cwd: dir,
  host: "127.0.0.1",
  port: 4000,
  code: "a".repeat(64),
  env: { A: "1" },
  secrets: { TOKEN: "hmac:1" },
  startedAt: "2026-12-07T00:00:00Z",
  log: join(dir, "x.log"),
  running: true,
};

describe("local/process plan", () => {
  it("creates a process that is not running, with secrets sensitive and a port chosen at deploy", () => {
    const [c] = planProcess(request()).changes;
    expect(c).toMatchObject({ type: "process", action: "create", reason: "not running on this machine" });
    expect(c?.after).toMatchObject({ code: "aaaaaaaaaaaa", port: "(a free port, kept across deploys)" });
    expect(c?.sensitivePaths).toEqual(["secrets"]);
  });

  it("changes nothing when code, env, secrets and port match, and keeps the observed port", () => {
    const [c] = planProcess(request({ observed: running, recorded: running })).changes;
    expect(c?.action).toBe("no-op");
    expect(c?.after).toMatchObject({ port: 4000 });
  });

  it("replaces the process on new code, env or secret, and when it is no longer running", () => {
    const code = planProcess(
      request({ observed: running, artifact: { ...request().artifact!, digest: "b".repeat(64) } }),
    );
    expect(code.changes[0]).toMatchObject({ action: "replace", replacePaths: ["code"] });
    const secret = planProcess(request({ observed: running, secretHashes: { TOKEN: "hmac:2" } }));
    expect(secret.changes[0]?.action).toBe("replace");
    const dead = planProcess(request({ observed: { ...running, running: false } }));
    expect(dead.changes[0]).toMatchObject({
      action: "replace",
      reason: "the process is not running (it exited, or was stopped or killed)",
    });
  });

  it("refuses env the platform sets, and a secret it cannot resolve", () => {
    expect(() => planProcess(request({ service: { ...request().service, env: { PORT: "1" } } }))).toThrow(
      /PORT is set by the local platform/,
    );
    expect(() =>
      planProcess(request({ service: { ...request().service, secrets: { X: "aws-sm:x" } } })),
    ).toThrow(/cannot resolve/);
  });

  it("gives a Python app its APISHIP_APP", () => {
    const svc = request().service;
    const py = {
      ...svc,
      function: { runtime: "python3.12", handler: "main:app", source: ".", interface: "portable" as const },
    };
    expect(planProcess(request({ service: py })).changes[0]?.after).toMatchObject({
      env: { A: "1", APISHIP_APP: "main:app" },
    });
  });
});

describe("process identity", () => {
  it("knows a live process by start time and command line, and not once either differs", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    const pid = child.pid as number;
    const id = await identify(pid);
    expect(id?.command).toEqual([process.execPath, "-e", "setTimeout(() => {}, 30000)"]);
    const ours = { pid, identity: id?.identity ?? "", command: id?.command ?? [] };
    expect(await isOurs(ours)).toBe(true);
    // The same pid with another start time is another process (a pid reused after a reboot):
    // never signalled.
    const reused = { ...ours, identity: `${ours.identity}0` };
    expect(await isOurs(reused)).toBe(false);
    expect(await stopProcess(reused, 100)).toBe("gone");
    expect(await isOurs(ours)).toBe(true);
    expect(await isOurs({ ...ours, command: ["python3", "app.py"] })).toBe(false);
    expect(await stopProcess(ours, 2000)).toBe("terminated");
    expect(await identify(pid)).toBeUndefined();
  });

  it("kills a process that ignores SIGTERM once the grace period is over", async () => {
    const child = spawn(
      process.execPath,
      ["-e", "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"],
      { stdio: ["ignore", "pipe", "ignore"], detached: true },
    );
    const pid = child.pid as number;
    // Signalled only once its handler is installed.
    await new Promise((r) => child.stdout.once("data", r));
    const id = await identify(pid);
    expect(await stopProcess({ pid, identity: id?.identity ?? "", command: id?.command ?? [] }, 200)).toBe(
      "killed",
    );
    expect(await identify(pid)).toBeUndefined();
  });
});

describe("log file", () => {
  const collect = async (it: AsyncIterable<LogEntry>) => {
    const out: LogEntry[] = [];
    for await (const e of it) out.push(e);
    return out;
  };

  it("reads stamped lines, filters by --since and keeps the newest --tail", async () => {
    const log = join(dir, "a.log");
    writeFileSync(
      log,
      "2026-12-07T10:00:00.000Z out first\n2026-12-07T10:05:00.000Z err second\n2026-12-07T10:10:00.000Z out third\npartial",
    );
    const all = await collect(readLogFile(log, { follow: false }));
    expect(all.map((e) => e.message)).toEqual(["first", "second", "third"]);
    expect(all[1]).toEqual({ time: "2026-12-07T10:05:00.000Z", stream: "err", message: "second" });
    const since = await collect(readLogFile(log, { follow: false, since: new Date("2026-12-07T10:04:00Z") }));
    expect(since.map((e) => e.message)).toEqual(["second", "third"]);
    expect((await collect(readLogFile(log, { follow: false, tail: 1 }))).map((e) => e.message)).toEqual([
      "third",
    ]);
    // --grep before --tail: the newest matching line, not the matches among the newest lines.
    const grepped = await collect(readLogFile(log, { follow: false, tail: 1, grep: "s" }));
    expect(grepped.map((e) => e.message)).toEqual(["second"]);
  });

  it("follows new lines until the signal aborts", async () => {
    const log = join(dir, "b.log");
    writeFileSync(log, "2026-12-07T10:00:00.000Z out old\n");
    const stop = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of readLogFile(log, { follow: true }, stop.signal)) {
        seen.push(e.message);
        if (seen.length === 3) stop.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(log, "2026-12-07T10:00:01.000Z out new one\n2026-12-07T10:00:02.000Z out new ");
    await new Promise((r) => setTimeout(r, 400));
    appendFileSync(log, "two\n");
    await done;
    expect(seen).toEqual(["old", "new one", "new two"]);
  });
});

describe("local/process build", () => {
  it("gives each build its own digest in a repository whose .gitignore ignores .apiship/", async () => {
    // The build lies in <project>/.apiship/; listed under the repository's ignore rules it held
    // no file, every build had the digest of nothing, and a code change planned as no change.
    const repo = mkdtempSync(join(dir, "repo-"));
    cpSync(join(import.meta.dirname, "../../examples/hello-fn/src"), join(repo, "src"), { recursive: true });
    writeFileSync(join(repo, ".gitignore"), ".apiship/\nnode_modules/\n");
    execFileSync("git", ["init", "-q"], { cwd: repo });
    const { service, stack, target } = request();
    const svc = { ...service, function: { ...service.function!, handler: "src/index.handler" } };
    const ctx = { stack: { ...stack, baseDir: repo }, target } as unknown as Ctx<unknown>;
    const first = await buildLocal(ctx, svc);
    expect(first.bytes).toBeGreaterThan(0);
    expect(first.digest).not.toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const index = join(repo, "src/index.mjs");
    writeFileSync(index, readFileSync(index, "utf8").replace("hello, ", "hullo, "));
    const second = await buildLocal(ctx, svc);
    expect(second.digest).not.toBe(first.digest);
  });
});
