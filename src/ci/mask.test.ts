import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectionPasswords, maskCommands, maskedParts, secretValues } from "./mask.js";

const dir = mkdtempSync(join(tmpdir(), "apiship-ci-mask-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("connectionPasswords", () => {
  it("finds a URL's password, as written and decoded, and one in its query", () => {
    expect(connectionPasswords("postgres://ci:s3cr%40t@db:5432/apiship")).toEqual(["s3cr%40t", "s3cr@t"]);
    expect(connectionPasswords("postgresql://db/apiship?user=ci&password=qu3ry")).toContain("qu3ry");
  });

  it("finds key=value passwords: bare, spaced, and single-quoted with escapes", () => {
    expect(connectionPasswords("host=db password=secret dbname=x")).toEqual(["secret", "secret"]);
    expect(connectionPasswords("host=db password = spaced user=ci")).toContain("spaced");
    expect(connectionPasswords(String.raw`host=db password='it\'s a s\\ecret' user=ci`)).toEqual([
      String.raw`'it\'s a s\\ecret'`,
      String.raw`it's a s\ecret`,
    ]);
    expect(connectionPasswords("PASSWORD=upper")).toContain("upper");
  });

  it("finds none where there is none", () => {
    expect(connectionPasswords("postgres://ci@db/apiship")).toEqual([]);
    expect(connectionPasswords("host=db user=ci passwords_file=/x")).toEqual([]);
  });
});

describe("maskCommands", () => {
  it("masks a value, each of its lines and a password inside it, each once, data escaped; not a 2-character value", () => {
    const pem = "-----BEGIN KEY-----\nMIIabc%def\n-----END KEY-----";
    expect(maskedParts(pem)).toContain("MIIabc%def");
    expect(
      maskCommands([pem, "host=db password=pw1! user=x", "host=db password=pw1! user=x", "", "on"]),
    ).toEqual([
      `::add-mask::-----BEGIN KEY-----%0AMIIabc%25def%0A-----END KEY-----`,
      "::add-mask::-----BEGIN KEY-----",
      "::add-mask::MIIabc%25def",
      "::add-mask::-----END KEY-----",
      "::add-mask::host=db password=pw1! user=x",
      "::add-mask::pw1!",
    ]);
  });
});

describe("secretValues", () => {
  it("reads env: and file: secrets as apiship does; cloud references and missing values give none", () => {
    writeFileSync(join(dir, "token.txt"), "file-secret\n");
    const values = secretValues(
      [
        {
          baseDir: dir,
          service: {
            secrets: {
              A: "env:APP_TOKEN",
              B: "file:token.txt",
              C: "aws-sm:prod/db",
              D: "env:UNSET_ONE",
              E: "file:missing.txt",
            },
          },
        },
        { baseDir: dir, service: {} },
      ],
      { APP_TOKEN: "env-secret" },
    );
    expect(values).toEqual(["env-secret", "file-secret"]);
  });
});
