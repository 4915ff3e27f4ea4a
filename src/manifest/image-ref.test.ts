import { describe, expect, it } from "vitest";
import { checkImageRef } from "./image-ref.js";

describe("checkImageRef (OCI distribution grammar)", () => {
  it.each([
    "nginx",
    "nginx:1.27",
    "library/nginx:latest",
    "ghcr.io/acme/sentiment-api:1.4.2",
    "localhost:5000/api",
    "registry.example.com:5000/team/api:v2_rc.1",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:0123abc",
    "[::1]:5000/api:1",
    `ghcr.io/acme/api@sha256:${"a".repeat(64)}`,
    `ghcr.io/acme/api:1.0@sha256:${"0".repeat(64)}`,
    "acme/my__api-v2.service:1",
  ])("accepts %s", (ref) => {
    expect(checkImageRef(ref)).toBeUndefined();
  });

  it.each([
    ["ghcr.io/acme/api:", /empty tag/],
    ["ghcr.io/acme/api: 1", /whitespace/],
    ["ghcr.io/Acme/api:1", /uppercase/],
    ["ghcr.io/acme//api:1", /empty path component/],
    ["ghcr.io/acme/api/:1", /empty path component/],
    ["ghcr.io/acme/-api:1", /invalid repository path component/],
    ["ghcr.io/acme/api:.hidden", /invalid tag/],
    [`ghcr.io/acme/api:${"t".repeat(129)}`, /invalid tag/],
    ["ghcr.io/acme/api@sha256:abc", /invalid digest/],
    ["bad_host.io:x/api", /invalid registry host/],
    [":1.0", /no repository name/],
    [`ghcr.io/${"a".repeat(260)}:1`, /longer than 255/],
  ])("rejects %s", (ref, why) => {
    const bad = checkImageRef(ref);
    expect(bad?.message).toMatch(why);
    expect(bad?.hint.length).toBeGreaterThan(0);
  });
});
