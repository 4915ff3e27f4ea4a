import { describe, expect, it } from "vitest";
import type { ProviderConfig } from "../../src/core/provider.js";
import { baseConfig, createAwsClients, endpointFor } from "./clients.js";

const cfg = (options: Record<string, unknown>, env: Record<string, string> = {}): ProviderConfig => ({
  target: { name: "api", provider: "aws", platform: "lambda", options: { region: "eu-west-1", ...options } },
  env,
});

describe("AWS clients", () => {
  it("takes the endpoint from the target, then AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL", () => {
    const env = { AWS_ENDPOINT_URL: "http://127.0.0.1:4566", AWS_ENDPOINT_URL_IAM: "http://127.0.0.1:5000" };
    expect(endpointFor("LAMBDA", cfg({}, env))).toBe("http://127.0.0.1:4566");
    expect(endpointFor("IAM", cfg({}, env))).toBe("http://127.0.0.1:5000");
    expect(endpointFor("IAM", cfg({ endpoint: "http://127.0.0.1:9" }, env))).toBe("http://127.0.0.1:9");
    expect(
      endpointFor("S3", cfg({}, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" })),
    ).toBeUndefined();
    expect(endpointFor("STS", cfg({}))).toBeUndefined();
  });

  it("uses the region of the target, env credentials when given, else the profile", () => {
    const withKeys = baseConfig(
      "LAMBDA",
      cfg({ profile: "p" }, { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s" }),
    );
    expect(withKeys).toMatchObject({
      region: "eu-west-1",
      credentials: { accessKeyId: "AKID", secretAccessKey: "s" },
    });
    expect(withKeys.profile).toBeUndefined();
    const withProfile = baseConfig("LAMBDA", cfg({ profile: "prod" }));
    expect(withProfile).toMatchObject({ profile: "prod" });
    expect(withProfile.credentials).toBeUndefined();
  });

  it("builds clients bound to the endpoint, with path-style S3 behind an emulator", async () => {
    const c = await createAwsClients(
      cfg(
        {},
        { AWS_ENDPOINT_URL: "http://127.0.0.1:4566", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" },
      ),
    );
    const ep = await c.lambda.config.endpoint?.();
    expect(`${ep?.protocol}//${ep?.hostname}:${ep?.port}`).toBe("http://127.0.0.1:4566");
    const s3 = await c.s3();
    expect(s3.client.config.forcePathStyle).toBe(true);
    expect(c.region).toBe("eu-west-1");
    expect((await c.forRegion("us-west-2")).region).toBe("us-west-2");
  });
});
