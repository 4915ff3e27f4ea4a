// The pure pieces of the Hosting half: site ids, the released config as compared, endpoints.
import { describe, expect, it } from "vitest";
import { comparableConfig, endpointOf, planHostingRemoval, siteIdOf } from "./hosting-plan.js";

describe("firebase hosting plan", () => {
  it("a site id is hosting.site, else the physical name, cut to 30 with a stable hash", () => {
    expect(siteIdOf("acme-api", "shop-dev-api")).toBe("acme-api");
    expect(siteIdOf(undefined, "shop-dev-api")).toBe("shop-dev-api");
    const long = siteIdOf(undefined, "sentiment-analysis-production-europe");
    expect(long).toMatch(/^sentiment-analysis-prod-[a-z2-7]{6}$/);
    expect(long).toHaveLength(30);
    expect(siteIdOf(undefined, "sentiment-analysis-production-europe")).toBe(long);
    expect(siteIdOf(undefined, "sentiment-analysis-production-asia")).not.toBe(long);
  });

  it("compares only the run rewrites apiship sets, with Hosting's default region", () => {
    const live = {
      rewrites: [
        { glob: "/api/**", run: { serviceId: "f", tag: "t" } },
        { regex: "^/x$", path: "/index.html" },
      ],
      cleanUrls: true,
    };
    expect(comparableConfig(live)).toEqual({
      rewrites: [{ glob: "/api/**", run: { serviceId: "f", region: "us-central1" } }],
    });
    expect(comparableConfig(undefined)).toEqual({ rewrites: [] });
  });

  it("the endpoint is the site URL plus the glob's literal prefix", () => {
    expect(endpointOf("https://s.web.app", "/api/**")).toBe("https://s.web.app/api");
    expect(endpointOf("https://s.web.app/", "/**")).toBe("https://s.web.app");
    expect(endpointOf("https://s.web.app", "/v1/items/*")).toBe("https://s.web.app/v1/items");
  });

  it("removing hosting deletes the release, and the site only when apiship created it", () => {
    const s = { project: "p", site: "s", created: false, url: "https://s.web.app" };
    expect(planHostingRemoval(s).map((c) => [c.type, c.action])).toEqual([["hosting-release", "delete"]]);
    expect(planHostingRemoval({ ...s, created: true }).map((c) => c.type)).toEqual([
      "hosting-release",
      "hosting-site",
    ]);
  });
});
