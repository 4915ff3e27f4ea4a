import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningFake } from "./server.js";
import { seeded, startFake } from "./server.js";

let fake: RunningFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("fake server framework", () => {
  it("routes requests, records them without credentials, and logs NDJSON", async () => {
    const logFile = join(mkdtempSync(join(tmpdir(), "fake-")), "log.ndjson");
    fake = await startFake({
      name: "echo",
      logFile,
      handler: (r) => ({ status: 201, body: { path: r.path, got: r.json } }),
    });
    const res = await fetch(`${fake.url}/a/b?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "AWS4-HMAC-SHA256 secret" },
      body: JSON.stringify({ hello: "world" }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ path: "/a/b", got: { hello: "world" } });
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
    const line = JSON.parse(readFileSync(logFile, "utf8").trim()) as Record<string, unknown>;
    expect(line).toMatchObject({
      fake: "echo",
      method: "POST",
      path: "/a/b",
      query: { x: "1" },
      body: { hello: "world" },
    });
    expect(JSON.stringify(line)).not.toContain("secret");
  });

  it("injects throttling and errors at the configured rates, repeatably", async () => {
    fake = await startFake({
      name: "f",
      handler: () => ({ status: 200, body: {} }),
      knobs: { throttleRate: 0.3, errorRate: 0.3, random: seeded(7) },
    });
    const codes: number[] = [];
    for (let i = 0; i < 40; i++) codes.push((await fetch(fake.url)).status);
    const count = (c: number) => codes.filter((x) => x === c).length;
    expect(count(429)).toBeGreaterThan(4);
    expect(count(500)).toBeGreaterThan(2);
    expect(count(200)).toBeGreaterThan(4);
  });

  it("drops connections and hangs when asked", async () => {
    fake = await startFake({ name: "f", handler: () => ({ status: 200 }), knobs: { dropRate: 1 } });
    await expect(fetch(fake.url)).rejects.toThrow();
    fake.knobs.dropRate = 0;
    fake.knobs.hangRate = 1;
    await expect(fetch(fake.url, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
  });
});
