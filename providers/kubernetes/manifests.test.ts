// The pure builders: label values, quantities and the objects a ServiceSpec becomes.
import { describe, expect, it } from "vitest";
import { service } from "../../test/fakes/kubernetes/harness.js";
import {
  cpuQuantity,
  desiredObjects,
  labelValue,
  memoryQuantity,
  ownerSelector,
  secretsChecksum,
} from "./manifests.js";
import type { K8sOptions } from "./manifests.js";

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const options: K8sOptions = { namespace: "apis", createNamespace: true, expose: "cluster-ip" };
const input = {
  name: "shop-dev-web",
  stackId: "shop/dev",
  targetName: "web",
  service,
  options,
  secretHashes: {},
};

describe("kubernetes manifests", () => {
  it("turns any stack id into a valid label value", () => {
    expect(labelValue("shop/dev")).toBe("shop.dev");
    for (const id of ["-x/ü y_", `${"a".repeat(80)}/prod`, "//", "Sentiment API/prod."]) {
      const v = labelValue(id);
      expect(v.length).toBeLessThanOrEqual(63);
      expect(v, id).toMatch(LABEL_VALUE);
      expect(v).not.toBe("");
    }
    expect(ownerSelector("shop/dev", "web")).toBe(
      "app.kubernetes.io/managed-by=apiship,apiship.dev/stack=shop.dev,apiship.dev/target=web",
    );
  });

  it("spells quantities the way the API server returns them", () => {
    expect([cpuQuantity(0.25), cpuQuantity(1), cpuQuantity(1.5)]).toEqual(["250m", "1", "1500m"]);
    expect([memoryQuantity(512), memoryQuantity(2048)]).toEqual(["512Mi", "2Gi"]);
  });

  it("adds an HPA only when max > min, a Secret only with secrets, an Ingress only when exposed so", () => {
    expect(Object.keys(desiredObjects(input)).sort()).toEqual(["deployment", "hpa", "secret", "service"]);
    const fixed = desiredObjects({
      ...input,
      service: { ...service, secrets: {}, scaling: { min: 2, max: 2 } },
    });
    expect(Object.keys(fixed).sort()).toEqual(["deployment", "service"]);
    expect((fixed.deployment?.spec as { replicas?: number }).replicas).toBe(2);
    const ing = desiredObjects({
      ...input,
      options: {
        ...options,
        expose: "ingress",
        ingress: { host: "api.example.com", className: "nginx", tlsSecret: "tls" },
      },
    });
    expect(ing.ingress?.spec).toMatchObject({
      ingressClassName: "nginx",
      tls: [{ hosts: ["api.example.com"], secretName: "tls" }],
      rules: [{ host: "api.example.com" }],
    });
    const lb = desiredObjects({ ...input, options: { ...options, expose: "load-balancer" } });
    expect((lb.service?.spec as { type: string }).type).toBe("LoadBalancer");
  });

  it("changes the checksum with any secret hash and reveals none of them", () => {
    const a = secretsChecksum({ API_KEY: "hmac-sha256:aaa" });
    expect(secretsChecksum({ API_KEY: "hmac-sha256:aaa" })).toBe(a);
    expect(secretsChecksum({ API_KEY: "hmac-sha256:aab" })).not.toBe(a);
    expect(a).not.toContain("aaa");
  });
});
