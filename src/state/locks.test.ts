import { spawnSync } from "node:child_process";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { LockError } from "../errors.js";
import type { ProcessProbe } from "./locks.js";
import {
  ciRunUrl,
  currentHolder,
  decideAcquire,
  formatDuration,
  lockStaleness,
  pidIsAlive,
} from "./locks.js";
import type { LockHolder } from "./store.js";

const holder: LockHolder = { user: "alice", host: "ci-runner-3", pid: 4242, command: "apiship deploy" };
const T0 = Date.parse("2025-01-01T00:00:00Z");

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [59_999, "59s"],
    [192_000, "3m12s"],
    [3_900_000, "1h05m"],
    [2 * 86_400_000 + 3 * 3_600_000, "2d3h"],
  ])("%i ms → %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe("ciRunUrl", () => {
  it("builds the GitHub Actions run URL, else uses GitLab's or Jenkins'", () => {
    expect(
      ciRunUrl({
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "acme/shop",
        GITHUB_RUN_ID: "7",
      }),
    ).toBe("https://github.com/acme/shop/actions/runs/7");
    expect(ciRunUrl({ CI_JOB_URL: "https://gitlab.example/j/1" })).toBe("https://gitlab.example/j/1");
    expect(ciRunUrl({ BUILD_URL: "https://jenkins.example/job/9/" })).toBe("https://jenkins.example/job/9/");
    expect(ciRunUrl({})).toBeUndefined();
  });
});

describe("currentHolder", () => {
  it("describes this process, quoting arguments with spaces", () => {
    const h = currentHolder({ CI_JOB_URL: "https://gitlab.example/j/1" }, [
      "node",
      "run.js",
      "deploy",
      "--env",
      "my env",
    ]);
    expect(h).toEqual({
      user: os.userInfo().username,
      host: os.hostname(),
      pid: process.pid,
      command: 'apiship deploy --env "my env"',
      ciRunUrl: "https://gitlab.example/j/1",
    });
    expect(currentHolder({}, ["node", "run.js"]).ciRunUrl).toBeUndefined();
  });

  it("never carries a password from a URL argument", () => {
    const argv = [
      "node",
      "run.js",
      "deploy",
      "--state",
      "postgres://ci:s3cr%40t@db:5432/apiship",
      "--state=postgresql://u:pw@h/d",
    ];
    const h = currentHolder({}, argv);
    expect(h.command).toBe(
      "apiship deploy --state postgres://ci:***@db:5432/apiship --state=postgresql://u:***@h/d",
    );
    expect(h.command).not.toContain("s3cr");
  });
});

describe("pidIsAlive", () => {
  it("is true for this process and false for one that exited", () => {
    const child = spawnSync(process.execPath, ["-e", ""]);
    expect(pidIsAlive(process.pid)).toBe(true);
    expect(pidIsAlive(child.pid)).toBe(false);
    expect(pidIsAlive(0)).toBe(false);
  });
});

describe("lock staleness and decisions", () => {
  const probe = (alive: boolean): ProcessProbe => ({ hostname: () => "ci-runner-3", isAlive: () => alive });
  const existing = decideAcquire("a/b", undefined, holder, { ttlMs: 60_000 }, T0, probe(true)).lock;

  it("a live holder with a fresh heartbeat is not stale; a dead one on this host is", () => {
    expect(lockStaleness(existing, T0 + 59_000, probe(true))).toEqual({ stale: false });
    expect(lockStaleness(existing, T0 + 59_000, probe(false))).toMatchObject({ stale: true });
    expect(lockStaleness(existing, T0 + 60_000, probe(true))).toMatchObject({ stale: true });
  });

  it("refuses with the holder, or takes over with a warning", () => {
    expect(() => decideAcquire("a/b", existing, holder, { ttlMs: 1 }, T0 + 1000, probe(true))).toThrow(
      LockError,
    );
    const taken = decideAcquire("a/b", existing, holder, { ttlMs: 1 }, T0 + 1000, probe(false));
    expect(taken.warnings[0]).toMatch(/process 4242 is no longer running on this host/);
    expect(taken.lock.id).not.toBe(existing.id);
  });
});
