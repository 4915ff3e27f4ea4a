import { describe, expect, it } from "vitest";
import { findCredentialLike, parseSecretRef, SECRET_SCHEMES } from "./secrets.js";

describe("parseSecretRef: accepted forms", () => {
  it.each([
    ["env:HF_TOKEN", { scheme: "env", id: "HF_TOKEN" }],
    ["file:./secrets/db.txt", { scheme: "file", id: "./secrets/db.txt" }],
    ["file:/run/secrets/db", { scheme: "file", id: "/run/secrets/db" }],
    ["aws-sm:prod/db-url", { scheme: "aws-sm", id: "prod/db-url" }],
    ["aws-sm:prod/db#password", { scheme: "aws-sm", id: "prod/db", key: "password" }],
    [
      "aws-sm:arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
      { scheme: "aws-sm", id: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf" },
    ],
    ["gcp-sm:db-url", { scheme: "gcp-sm", id: "db-url" }],
    ["gcp-sm:db-url@3", { scheme: "gcp-sm", id: "db-url", version: "3" }],
    ["gcp-sm:db-url@latest", { scheme: "gcp-sm", id: "db-url", version: "latest" }],
    ["gcp-sm:projects/acme-ml/secrets/db-url", { scheme: "gcp-sm", id: "projects/acme-ml/secrets/db-url" }],
    [
      "gcp-sm:projects/acme-ml/secrets/db-url/versions/7",
      { scheme: "gcp-sm", id: "projects/acme-ml/secrets/db-url", version: "7" },
    ],
    ["azure-kv:acme-vault/db-url", { scheme: "azure-kv", id: "acme-vault/db-url" }],
    [
      "azure-kv:acme-vault/db-url/0123456789abcdef0123456789abcdef",
      { scheme: "azure-kv", id: "acme-vault/db-url", version: "0123456789abcdef0123456789abcdef" },
    ],
  ])("%s", (ref, expected) => {
    expect(parseSecretRef(ref)).toEqual({ ok: true, ...expected });
  });

  it("covers every scheme it declares", () => {
    expect([...SECRET_SCHEMES].sort()).toEqual(["aws-sm", "azure-kv", "env", "file", "gcp-sm"]);
  });
});

describe("parseSecretRef: rejected forms", () => {
  it.each([
    ["env:1BAD", "env"],
    ["env:", "env"],
    ["file:", "file"],
    ["aws-sm:prod/db#", "aws-sm"],
    ["aws-sm:arn:aws:secretsmanager:us-east-1:12:secret:x", "aws-sm"],
    ["aws-sm:has space", "aws-sm"],
    ["gcp-sm:projects/acme/secrets", "gcp-sm"],
    ["gcp-sm:db@v1", "gcp-sm"],
    ["gcp-sm:a@1@2", "gcp-sm"],
    ["azure-kv:vault", "azure-kv"],
    ["azure-kv:v/secret/notahexversion", "azure-kv"],
    ["azure-kv:a/b/c/d", "azure-kv"],
  ])("%s is a bad %s reference", (ref, scheme) => {
    const r = parseSecretRef(ref);
    expect(r).toMatchObject({ ok: false, code: "secret-ref", scheme });
    if (!r.ok) {
      expect(r.message).toContain(`not a valid ${scheme} reference`);
      expect(r.hint).toMatch(/^write it as /);
    }
  });

  it("names an unknown scheme and suggests the closest", () => {
    const r = parseSecretRef("aws-ssm:prod/db");
    expect(r).toMatchObject({ ok: false, code: "secret-scheme", scheme: "aws-ssm" });
    if (!r.ok) expect(r.message).toBe('has an unknown scheme "aws-ssm" (did you mean "aws-sm"?)');
  });

  it("never echoes a value pasted instead of a reference", () => {
    const pasted = "postgres://admin:hunter2@db.example.com/app";
    const r = parseSecretRef(pasted);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe("secret-scheme");
      expect(`${r.message} ${r.hint}`).not.toContain("hunter2");
      expect(r.scheme).toBe("postgres");
    }
    const token = parseSecretRef("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    if (!token.ok) expect(`${token.message} ${token.hint}`).not.toContain("ghp_");
  });
});

describe("findCredentialLike", () => {
  it.each([
    ["AKIAIOSFODNN7EXAMPLE", "AWS access key id"],
    ["ASIAIOSFODNN7EXAMPLE", "AWS access key id"],
    ["-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "private key"],
    ["-----BEGIN PRIVATE KEY-----", "private key"],
    ["-----BEGIN OPENSSH PRIVATE KEY-----", "private key"],
    ["ghp_" + "a".repeat(36), "GitHub token"],
    ["gho_" + "B1".repeat(20), "GitHub token"],
    ["github_pat_" + "A1b2".repeat(10), "GitHub token"],
    ["sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "Stripe secret key"],
    ["rk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "Stripe secret key"],
    ["xoxb-123456789012-abcdefghij", "Slack token"],
    ["xoxp-123456789012-abcdefghij", "Slack token"],
  ])("%s is a %s", (value, kind) => {
    expect(findCredentialLike(value)).toBe(kind);
  });

  it.each([
    "info",
    "AKIA-not-a-key",
    "akiaiosfodnn7example",
    "-----BEGIN PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----",
    "ghp_short",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "xoxz-123456789012",
    "https://api.example.com",
    "8080",
  ])("%s is not a credential", (value) => {
    expect(findCredentialLike(value)).toBeUndefined();
  });
});
