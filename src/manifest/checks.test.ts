import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkService, Diagnostics, serviceFacts, serviceLocator, specFacts } from "./checks.js";
import { deepMerge, isPlainObject } from "./merge.js";
import { fastParse } from "./yaml-fast.js";

const root = join(import.meta.dirname, "..", "..");

/** The services of every example and valid fixture manifest, base and merged overrides alike. */
function shippedServices(): unknown[] {
  const files = [
    ...readdirSync(join(root, "examples")).map((d) => join(root, "examples", d, "apiship.yaml")),
    ...readdirSync(join(root, "fixtures/manifests/valid")).map((f) =>
      join(root, "fixtures/manifests/valid", f),
    ),
  ];
  const services: unknown[] = [];
  for (const file of files) {
    let doc: Record<string, unknown> | undefined;
    try {
      doc = fastParse(readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    if (!doc?.service) continue;
    services.push(doc.service);
    // Each environment's override merged onto it, as validate.ts checks them.
    const envs = isPlainObject(doc.environments) ? Object.values(doc.environments) : [];
    for (const env of envs) {
      if (isPlainObject(env) && env.service !== undefined) services.push(deepMerge(doc.service, env.service));
    }
  }
  return services;
}

describe("specFacts", () => {
  const facts = (raw: unknown) => {
    const spec = checkService(raw, serviceLocator(), new Diagnostics("apiship.yaml"));
    return spec ? { spec: specFacts(spec), sections: serviceFacts(raw) } : undefined;
  };

  it("reads the same facts off a valid service as serviceFacts parses from its sections", () => {
    const runtime = fc.constantFrom("nodejs20", "nodejs22", "python3.12", "Node.js 20", "go1.x", "java21");
    const fn = fc.record({ runtime, handler: fc.constant("index.handler"), source: fc.constant("./src") });
    const container = fc.record({
      image: fc.constant("ghcr.io/acme/api:1"),
      port: fc.integer({ min: 1, max: 65535 }),
    });
    const service = fc.record(
      {
        kind: fc.oneof(
          fn.map((f) => ({ function: f })),
          container.map((c) => ({ container: c })),
        ),
        resources: fc.record(
          { memory: fc.constantFrom(128, 512, 1024, 3008), cpu: fc.constantFrom(0.25, 1, 2) },
          { requiredKeys: [] },
        ),
        scaling: fc.record(
          { min: fc.integer({ min: 0, max: 3 }), max: fc.integer({ min: 3, max: 50 }) },
          { requiredKeys: [] },
        ),
        timeout: fc.constantFrom("5s", "30s", "2m", "900ms"),
      },
      { requiredKeys: ["kind"] },
    );
    let valid = 0;
    fc.assert(
      fc.property(service, ({ kind, ...rest }) => {
        const got = facts({ ...kind, ...rest });
        if (!got) return;
        valid++;
        expect(got.spec).toEqual(got.sections);
      }),
      { numRuns: 300 },
    );
    // Most generated services are valid: the property was really checked.
    expect(valid).toBeGreaterThan(150);
  });

  it("agrees with serviceFacts on every shipped example and valid fixture, overrides merged", () => {
    const services = shippedServices();
    expect(services.length).toBeGreaterThan(20);
    let compared = 0;
    for (const raw of services) {
      const got = facts(raw);
      if (!got) continue;
      compared++;
      expect(got.spec).toEqual(got.sections);
    }
    // The shipped services are valid ones: an empty comparison would prove nothing.
    expect(compared).toBeGreaterThan(20);
  });
});
