import { describe, expect, it } from "vitest";
import { InternalError, ManifestError } from "../errors.js";
import { asksPositions } from "./interpolate.js";
import { parseManifest } from "./parse.js";
import { parseManifestText } from "./yaml.js";

const PLAIN = `apiVersion: apiship/v1
name: shop
service:
  container: { image: "ghcr.io/acme/shop:1", port: 8080 }
targets:
  k8s:
    provider: kubernetes
`;

describe("parseManifest (the loader's parse step)", () => {
  it("reads plain YAML to the value parseManifestText gives, with an index that waits for ready()", async () => {
    const parsed = await parseManifest(PLAIN, "apiship.yaml");
    expect(parsed.value).toEqual(parseManifestText(PLAIN, "apiship.yaml").value);
    // Read before ready(), the index says so instead of answering from nothing.
    expect(() => parsed.positions.get("targets.k8s")).toThrow(InternalError);
    await parsed.positions.ready();
    expect(parsed.positions.get("targets.k8s.provider")?.value).toEqual({ line: 7, column: 15 });
    expect(parsed.positions.paths()).toEqual(parseManifestText(PLAIN, "apiship.yaml").positions.paths());
  });

  it("gives YAML the fast path leaves (anchors, errors) to the yaml library, positions included", async () => {
    const anchored = `${PLAIN}x-base: &b { a: 1 }\nx-use: *b\n`;
    const parsed = await parseManifest(anchored, "apiship.yaml");
    expect(parsed.value["x-use"]).toEqual({ a: 1 });
    expect(parsed.positions.get("x-use")?.kind).toBe("alias");
    const broken = parseManifest("name: [unclosed\n", "broken.yaml");
    await expect(broken).rejects.toThrow(ManifestError);
    await expect(broken).rejects.toMatchObject({
      diagnostics: [expect.objectContaining({ code: "yaml-syntax", line: 2, column: 1 })],
    });
  });
});

describe("asksPositions", () => {
  it("is true exactly when some value is one whole reference, at any depth", () => {
    expect(asksPositions({ a: { b: ["x", "${env:PORT}"] } })).toBe(true);
    expect(asksPositions({ port: "${env:PORT}" })).toBe(true);
    expect(asksPositions({ image: "ghcr.io/acme/api:${env:GIT_SHA:-latest}" })).toBe(false);
    expect(asksPositions({ n: 3, b: true, z: null, list: ["$", "${a} ${b}"] })).toBe(false);
  });
});
