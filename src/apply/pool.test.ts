import { describe, expect, it } from "vitest";
import { Pool } from "./pool.js";

async function peak(pool: Pool, keys: string[]): Promise<{ all: number; per: Map<string, number> }> {
  let now = 0;
  let all = 0;
  const cur = new Map<string, number>();
  const per = new Map<string, number>();
  await Promise.all(
    keys.map((k) =>
      pool.run(k, async () => {
        now++;
        cur.set(k, (cur.get(k) ?? 0) + 1);
        all = Math.max(all, now);
        per.set(k, Math.max(per.get(k) ?? 0, cur.get(k) ?? 0));
        await new Promise((r) => setTimeout(r, 2));
        now--;
        cur.set(k, (cur.get(k) ?? 1) - 1);
      }),
    ),
  );
  return { all, per };
}

describe("Pool", () => {
  it("bounds tasks globally and per key, letting other keys pass a busy one", async () => {
    const pool = new Pool({ global: 4, perKey: (k) => (k === "slow" ? 1 : undefined) });
    const p = await peak(pool, ["slow", "slow", "slow", "a", "a", "a", "a", "a"]);
    expect(p.all).toBe(4);
    expect(p.per.get("slow")).toBe(1);
    expect(p.per.get("a")).toBe(3);
  });

  it("rejects a concurrency below 1", () => {
    expect(() => new Pool({ global: 0, perKey: () => undefined })).toThrow(/at least 1/);
  });
});
