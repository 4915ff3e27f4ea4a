import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { NameRule } from "../core/provider.js";
import { NAME_RULES, physicalName, shortHash, stackBaseName, targetPhysicalName } from "./names.js";

const RULES = Object.entries(NAME_RULES) as [string, NameRule][];

/** What every rule promises, checked directly against the rule rather than a copied result. */
function assertValid(rule: NameRule, name: string): void {
  expect(name.length).toBeGreaterThan(0);
  expect(name.length).toBeLessThanOrEqual(rule.maxLength);
  const extra = rule.extraChars.replace(/[\\\]^-]/g, (c) => `\\${c}`);
  const charset = new RegExp(`^[a-z0-9${rule.lowercase ? "" : "A-Z"}${extra}]+$`);
  expect(name).toMatch(charset);
  expect(name).toMatch(/^[a-zA-Z0-9]/);
  expect(name).toMatch(/[a-zA-Z0-9]$/);
  if (rule.startsWithLetter) expect(name).toMatch(/^[a-zA-Z]/);
  if (rule.lowercase) expect(name).toBe(name.toLowerCase());
}

const LONG = "x".repeat(200);

describe.each(RULES)("physicalName under the %s rule", (_id, rule) => {
  it("joins app, environment and target", () => {
    expect(physicalName(rule, ["sentiment-api", "prod", "eu"])).toBe("sentiment-api-prod-eu");
  });

  it("transliterates unicode", () => {
    const name = physicalName(rule, ["Ünïcödé-API", "prod", "eu"]);
    assertValid(rule, name);
    expect(name).toBe(rule.lowercase ? "unicode-api-prod-eu" : "Unicode-API-prod-eu");
  });

  it("replaces dots and underscores it does not allow", () => {
    const name = physicalName(rule, ["my.api", "prod_eu", "x"]);
    assertValid(rule, name);
    expect(name).toBe(rule.extraChars.includes("_") ? "my-api-prod_eu-x" : "my-api-prod-eu-x");
  });

  it("truncates 200 characters with a stable hash", () => {
    const name = physicalName(rule, [LONG, "prod", "t"]);
    assertValid(rule, name);
    if (rule.maxLength < 200) {
      expect(name.length).toBe(rule.maxLength);
      expect(name.endsWith(`-${shortHash(JSON.stringify([LONG, "prod", "t"]))}`)).toBe(true);
    }
    expect(physicalName(rule, [LONG, "prod", "t"])).toBe(name);
  });

  it("keeps two long names apart when they differ only at the end", () => {
    const a = physicalName(rule, [LONG + "a".repeat(100), "prod", "east"]);
    const b = physicalName(rule, [LONG + "a".repeat(100), "prod", "west"]);
    assertValid(rule, a);
    assertValid(rule, b);
    expect(a).not.toBe(b);
  });

  it("always produces a valid name", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", maxLength: 120 }), { minLength: 1, maxLength: 3 }),
        (parts) => {
          assertValid(rule, physicalName(rule, parts));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("physicalName details", () => {
  const dns = NAME_RULES.kubernetes;

  it("prefixes a name that must start with a letter", () => {
    expect(physicalName(dns, ["1api", "prod"])).toBe("a-1api-prod");
    expect(physicalName(NAME_RULES.lambda, ["1api", "prod"])).toBe("1api-prod");
  });

  it("collapses and trims separators", () => {
    expect(physicalName(dns, ["--my..api--", "__prod__"])).toBe("my-api-prod");
  });

  it("lowercases only when the rule says so", () => {
    expect(physicalName(dns, ["MyAPI", "Prod"])).toBe("myapi-prod");
    expect(physicalName(NAME_RULES.ecsService, ["MyAPI", "Prod"])).toBe("MyAPI-Prod");
  });

  it("transliterates letters NFKD leaves alone", () => {
    expect(physicalName(dns, ["straße", "øst", "Łódź"])).toBe("strasse-ost-lodz");
  });

  it("gives an untransliterable name a stable hash instead of nothing", () => {
    const a = physicalName(dns, ["日本", "本番"]);
    expect(a).toMatch(/^a-[a-z2-7]{6}$/);
    expect(physicalName(dns, ["中国", "本番"])).not.toBe(a);
  });

  it("works with a rule that allows no separator", () => {
    const alnum: NameRule = {
      resource: "storage account",
      maxLength: 24,
      lowercase: true,
      extraChars: "",
      startsWithLetter: false,
    };
    expect(physicalName(alnum, ["my-api", "prod"])).toBe("myapiprod");
    const long = physicalName(alnum, [LONG, "prod"]);
    expect(long).toHaveLength(24);
    expect(long).toMatch(/^[a-z0-9]+$/);
  });

  it("hashes the untruncated input, so names cut to the same prefix differ", () => {
    const rule = NAME_RULES.heroku;
    const a = physicalName(rule, ["an-api-with-a-very-long-name-indeed", "production"]);
    const b = physicalName(rule, ["an-api-with-a-very-long-name-indeed", "productiom"]);
    expect(a.slice(0, 23)).toBe(b.slice(0, 23));
    expect(a).not.toBe(b);
  });
});

describe("stack and target names", () => {
  const stack = { app: "sentiment-api", environment: "production" };

  it("stackBaseName is a DNS label of app and environment", () => {
    expect(stackBaseName(stack)).toBe("sentiment-api-production");
    expect(stackBaseName({ app: "Big_App", environment: "Prod.EU" })).toBe("big-app-prod-eu");
  });

  it("targetPhysicalName adds the target under the platform's rule", () => {
    expect(targetPhysicalName(stack, { name: "cloudrun" }, NAME_RULES.cloudRun)).toBe(
      "sentiment-api-production-cloudrun",
    );
    const heroku = targetPhysicalName(stack, { name: "heroku-eu" }, NAME_RULES.heroku);
    expect(heroku).toHaveLength(30);
    const hash = shortHash(JSON.stringify(["sentiment-api", "production", "heroku-eu"]));
    expect(heroku).toBe(`sentiment-api-productio-${hash}`);
  });
});
