import { describe, expect, it } from "vitest";
import { newSecretKey } from "./secret-key.js";

describe("newSecretKey", () => {
  it("gives 32-byte base64 keys, each different, across draws of the pool", () => {
    const keys = Array.from({ length: 300 }, () => newSecretKey());
    for (const k of keys) expect(Buffer.from(k, "base64")).toHaveLength(32);
    expect(new Set(keys).size).toBe(keys.length);
    // No two keys share their bytes at any offset (a pool read twice, or windows that overlap).
    const halves = keys.flatMap((k) => {
      const b = Buffer.from(k, "base64");
      return [b.subarray(0, 16).toString("hex"), b.subarray(16).toString("hex")];
    });
    expect(new Set(halves).size).toBe(halves.length);
  });
});
