import { describe, expect, it } from "vitest";
import { formatPath, interpolate, interpolateString } from "./interpolate.js";
import { parseManifestText } from "./yaml.js";

const environ = {
  GIT_SHA: "abc123",
  REGION: "eu-west-1",
  EMPTY: "",
  PORT: "9000",
  TOKEN: "s3cr3t-token-value",
};

describe("interpolateString", () => {
  it("substitutes set variables and defaults", () => {
    expect(interpolateString("ghcr.io/acme/api:${env:GIT_SHA}", environ).text).toBe(
      "ghcr.io/acme/api:abc123",
    );
    expect(interpolateString("${env:MISSING:-us-east-1}", environ).text).toBe("us-east-1");
    expect(interpolateString("${env:REGION:-us-east-1}", environ).text).toBe("eu-west-1");
    expect(interpolateString("${env:MISSING:-}", environ).text).toBe("");
    expect(interpolateString("${env:A}-${env:B:-x}", { A: "1" }).text).toBe("1-x");
  });

  it("uses the default for a set but empty variable, as the shell's :- does", () => {
    expect(interpolateString("${env:EMPTY:-fallback}", environ).text).toBe("fallback");
    expect(interpolateString("${env:EMPTY}", environ)).toMatchObject({ text: "", errors: [] });
  });

  it("keeps $${ as a literal ${ and leaves other dollars alone", () => {
    expect(interpolateString("$${env:GIT_SHA}", environ)).toMatchObject({
      text: "${env:GIT_SHA}",
      errors: [],
    });
    expect(interpolateString("cost: $5 or $$ or $", environ)).toMatchObject({
      text: "cost: $5 or $$ or $",
      errors: [],
    });
  });

  it("refuses other forms with a hint listing the accepted ones", () => {
    for (const bad of ["${GIT_SHA}", "${env:1BAD}", "${file:x}", "${env:}", "${env:A-B}", "${ env:A }"]) {
      const r = interpolateString(`x ${bad} y`, environ);
      expect(r.errors, bad).toHaveLength(1);
      expect(r.errors[0]?.code).toBe("bad-interpolation");
      expect(r.errors[0]?.hint).toContain("${env:NAME:-default}");
    }
    expect(interpolateString("${env:GIT_SHA", environ).errors[0]?.message).toMatch(/unterminated/);
  });

  it("names an unset variable without saying anything about other values", () => {
    const r = interpolateString("${env:NOPE}", environ);
    expect(r.errors).toEqual([
      expect.objectContaining({ code: "env-unset", message: "environment variable NOPE is not set" }),
    ]);
    expect(r.errors[0]?.hint).toContain("${env:NOPE:-");
  });
});

describe("interpolate", () => {
  it("walks nested mappings and lists, reporting each unset variable with its path", () => {
    const doc = {
      service: { container: { image: "api:${env:GIT_SHA}", args: ["--region", "${env:NO_REGION}"] } },
      targets: { lambda: { region: "${env:NO_REGION}", memory: 512 } },
    };
    const r = interpolate(doc, { environ });
    expect(r.value).toEqual({
      service: { container: { image: "api:abc123", args: ["--region", "${env:NO_REGION}"] } },
      targets: { lambda: { region: "${env:NO_REGION}", memory: 512 } },
    });
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.path])).toEqual([
      ["error", "env-unset", "service.container.args[1]"],
      ["error", "env-unset", "targets.lambda.region"],
    ]);
    expect(r.diagnostics[1]?.message).toBe(
      "environment variable NO_REGION is not set (in targets.lambda.region)",
    );
  });

  it("keeps a __proto__ key as data, interpolated, without changing the result's prototype", () => {
    const doc = JSON.parse('{"env": {"__proto__": {"polluted": "${env:GIT_SHA}"}}}') as unknown;
    const r = interpolate(doc, { environ });
    const env = (r.value as { env: object }).env;
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
    expect(Object.keys(env)).toEqual(["__proto__"]);
    expect(Object.getOwnPropertyDescriptor(env, "__proto__")?.value).toEqual({ polluted: "abc123" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("collects several errors, even within one string", () => {
    const r = interpolate({ a: "${env:X}${env:Y}${bad}", b: "${env:Z}" }, { environ: {} });
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "environment variable X is not set (in a)",
      "environment variable Y is not set (in a)",
      'unsupported interpolation "${bad}" (in a)',
      "environment variable Z is not set (in b)",
    ]);
  });

  it("never touches secrets, in the service or an environment's override", () => {
    const doc = {
      service: { secrets: { HF_TOKEN: "env:HF_TOKEN", ODD: "${env:TOKEN}" }, env: { T: "${env:TOKEN}" } },
      environments: { production: { service: { secrets: { DB: "${env:NOPE}" } } } },
    };
    const r = interpolate(doc, { environ });
    const value = r.value as typeof doc;
    expect(value.service.secrets).toEqual(doc.service.secrets);
    expect(value.environments.production.service.secrets).toEqual({ DB: "${env:NOPE}" });
    expect(value.service.env.T).toBe("s3cr3t-token-value");
    expect(r.diagnostics).toEqual([]);
  });

  it("records where environment values went, and never puts them in messages", () => {
    const r = interpolate({ service: { env: { T: "${env:TOKEN}", U: "${env:UNSET}" } } }, { environ });
    expect(r.substituted).toEqual([{ path: "service.env.T", value: "s3cr3t-token-value" }]);
    expect(JSON.stringify(r.diagnostics)).not.toContain("s3cr3t");
  });

  it("gives a plain scalar that is one reference the YAML type of its value", () => {
    const text =
      'a: ${env:PORT}\nb: "${env:PORT}"\nc: port-${env:PORT}\nd: ${env:ON:-true}\ne: ${env:GIT_SHA}\n';
    const { value, positions } = parseManifestText(text, "m.yaml");
    expect(interpolate(value, { environ, positions }).value).toEqual({
      a: 9000,
      b: "9000",
      c: "port-9000",
      d: true,
      e: "abc123",
    });
    // Without positions nothing is known to be plain: everything stays text.
    expect((interpolate(value, { environ }).value as { a: unknown }).a).toBe("9000");
  });

  it("uses process.env when no environment is injected", () => {
    process.env.APISHIP_INTERPOLATE_TEST = "from-process";
    try {
      expect(interpolate({ a: "${env:APISHIP_INTERPOLATE_TEST}" }).value).toEqual({ a: "from-process" });
    } finally {
      delete process.env.APISHIP_INTERPOLATE_TEST;
    }
  });
});

describe("formatPath", () => {
  it("joins keys with dots and indexes with brackets", () => {
    expect(formatPath(["environments", "production", "targets", 1])).toBe(
      "environments.production.targets[1]",
    );
    expect(formatPath([])).toBe("");
  });
});
