import { describe, it, expect } from "vitest";
import { createHash, createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StateError, UsageError } from "../errors.js";
import type { ServiceSpec } from "../manifest/types.js";
import { fingerprint, fingerprintSecrets, resolveSecret } from "./secrets.js";

const KEY = Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
const OTHER_KEY = Buffer.from("fedcba9876543210fedcba9876543210").toString("base64");

function service(secrets: Record<string, string>): ServiceSpec {
  return {
    kind: "container",
    container: { image: "img", port: 8080 },
    env: {},
    secrets,
    resources: { memory: 512 },
    scaling: { min: 0, max: 1 },
    health: { path: "/", status: 200, timeoutMs: 1000, attempts: 1, intervalMs: 100 },
    access: "public",
    timeoutMs: 30000,
  };
}

describe("resolveSecret", () => {
  it("reads env: references from the environment given", async () => {
    expect(await resolveSecret("env:TOKEN", { TOKEN: "v1" }, "/")).toBe("v1");
  });

  it("reads file: references relative to the manifest folder, without the trailing newline", async () => {
    const dir = mkdtempSync(join(tmpdir(), "apiship-secret-"));
    writeFileSync(join(dir, "db.txt"), "postgres://x\n");
    expect(await resolveSecret("file:./db.txt", {}, dir)).toBe("postgres://x");
    await expect(resolveSecret("file:./missing.txt", {}, dir)).rejects.toThrow(/missing\.txt.*ENOENT/);
  });

  it("refuses an unset variable, naming it", async () => {
    await expect(resolveSecret("env:NOPE", {}, "/")).rejects.toThrow(UsageError);
    await expect(resolveSecret("env:NOPE", {}, "/")).rejects.toThrow(/NOPE is not set/);
  });

  it("leaves cloud references to their providers", async () => {
    await expect(resolveSecret("aws-sm:prod/db", {}, "/")).rejects.toThrow(/resolved by its provider/);
  });

  it("never repeats a malformed reference, which may be a pasted value", async () => {
    const err = await resolveSecret("hunter2-not-a-ref", {}, "/").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(String((err as Error).message)).not.toContain("hunter2");
  });
});

describe("fingerprint", () => {
  it("is an HMAC under the stack key, not a plain hash of the value", () => {
    const fp = fingerprint(KEY, "value:s3cret");
    const hmac = createHmac("sha256", Buffer.from(KEY, "base64")).update("value:s3cret").digest("hex");
    expect(fp).toBe(`hmac-sha256:${hmac}`);
    expect(fp).not.toContain(createHash("sha256").update("s3cret").digest("hex"));
    expect(fingerprint(OTHER_KEY, "value:s3cret")).not.toBe(fp);
  });

  it("refuses an empty key as damaged state", () => {
    expect(() => fingerprint("", "x")).toThrow(StateError);
  });
});

describe("fingerprintSecrets", () => {
  it("hashes each secret so a changed value changes its hash and nothing else", async () => {
    const svc = service({ A: "env:A", B: "env:B" });
    const one = await fingerprintSecrets(svc, KEY, { A: "a1", B: "b" }, "/");
    const two = await fingerprintSecrets(svc, KEY, { A: "a2", B: "b" }, "/");
    expect(one.diagnostics).toEqual([]);
    expect(Object.keys(one.hashes)).toEqual(["A", "B"]);
    expect(two.hashes.A).not.toBe(one.hashes.A);
    expect(two.hashes.B).toBe(one.hashes.B);
  });

  it("fingerprints cloud references as unresolved, with a warning", async () => {
    const { hashes, diagnostics } = await fingerprintSecrets(service({ DB: "aws-sm:prod/db" }), KEY, {}, "/");
    expect(hashes.DB).toBe(fingerprint(KEY, "unresolved:aws-sm:prod/db"));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: "warning",
      code: "secret-unresolved",
      path: "service.secrets.DB",
    });
    expect(diagnostics[0]?.message).toContain("resolved at deploy time");
  });

  it("reports an unset variable as a warning naming the variable, never a value", async () => {
    const canary = "CANARY-7f3e9a-value";
    const env = { PRESENT: canary };
    const { hashes, diagnostics } = await fingerprintSecrets(
      service({ OK: "env:PRESENT", GONE: "env:MISSING_VAR" }),
      KEY,
      env,
      "/",
    );
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: "warning",
      code: "secret-unset",
      path: "service.secrets.GONE",
    });
    expect(diagnostics[0]?.message).toContain("MISSING_VAR");
    expect(JSON.stringify({ hashes, diagnostics })).not.toContain(canary);
    expect(hashes.GONE).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
  });

  it("reports a malformed reference without echoing it", async () => {
    const { diagnostics } = await fingerprintSecrets(service({ X: "sk_live_pasted_value" }), KEY, {}, "/");
    expect(diagnostics[0]).toMatchObject({ severity: "error", code: "secret-invalid-ref" });
    expect(JSON.stringify(diagnostics)).not.toContain("sk_live_pasted_value");
  });
});
