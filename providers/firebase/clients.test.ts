// Where the Hosting client sends requests and with which token: the endpoint option, gcloud's
// override variable (with or without the version path), a static token, and no credential
// lookup at all when an emulator endpoint is set.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createHostingClients, hostingEndpoint } from "./clients.js";

const target = (options: Record<string, unknown>) => ({
  name: "api",
  provider: "firebase",
  platform: "functions",
  options,
});

afterEach(() => vi.unstubAllGlobals());

const adc = vi.hoisted(() => ({ scopes: [] as unknown[], fail: false }));
vi.mock("google-auth-library", () => ({
  GoogleAuth: class {
    constructor(o: { scopes: unknown[] }) {
      adc.scopes = o.scopes;
    }
    getClient() {
      if (adc.fail) return Promise.reject(new Error("Could not load the default credentials"));
      return Promise.resolve({});
    }
    getAccessToken() {
      return Promise.resolve("ya29.adc");
    }
  },
}));

function stubFetch() {
  const seen: { url: string; auth: string | null; quota: string | null }[] = [];
  vi.stubGlobal("fetch", async (input: string, init: RequestInit) => {
    const h = new Headers(init.headers);
    seen.push({ url: String(input), auth: h.get("authorization"), quota: h.get("x-goog-user-project") });
    return new Response(JSON.stringify({ name: "projects/1/sites/s" }), {
      headers: { "content-type": "application/json" },
    });
  });
  return seen;
}

describe("firebase clients", () => {
  it("endpoint: the target option, else CLOUDSDK_API_ENDPOINT_OVERRIDES_FIREBASEHOSTING, else Google", () => {
    const env = { CLOUDSDK_API_ENDPOINT_OVERRIDES_FIREBASEHOSTING: "http://127.0.0.1:9000/v1beta1/" };
    expect(hostingEndpoint(env, "http://127.0.0.1:5001/")).toBe("http://127.0.0.1:5001");
    expect(hostingEndpoint(env, undefined)).toBe("http://127.0.0.1:9000");
    expect(hostingEndpoint({}, undefined)).toBe("https://firebasehosting.googleapis.com");
  });

  it("an emulator endpoint gets the emulators' 'owner' token, with no credential lookup", async () => {
    const seen = stubFetch();
    const c = await createHostingClients({ target: target({ endpoint: "http://127.0.0.1:5001" }), env: {} });
    await c.api.getSite("acme-web", "s");
    expect(c.credentials).toBe("emulator");
    expect(seen).toEqual([
      { url: "http://127.0.0.1:5001/v1beta1/projects/acme-web/sites/s", auth: "Bearer owner", quota: null },
    ]);
  });

  it("GOOGLE_OAUTH_ACCESS_TOKEN is sent as it is; GOOGLE_CLOUD_QUOTA_PROJECT as x-goog-user-project", async () => {
    const seen = stubFetch();
    const env = { GOOGLE_OAUTH_ACCESS_TOKEN: "ya29.static", GOOGLE_CLOUD_QUOTA_PROJECT: "billing-proj" };
    const c = await createHostingClients({ target: target({}), env });
    await c.api.getSite("acme-web", "s");
    expect(seen).toEqual([
      {
        url: "https://firebasehosting.googleapis.com/v1beta1/projects/acme-web/sites/s",
        auth: "Bearer ya29.static",
        quota: "billing-proj",
      },
    ]);
  });

  it("without a token or override, Application Default Credentials give the token (lazily)", async () => {
    const seen = stubFetch();
    const c = await createHostingClients({ target: target({}), env: {} });
    expect(adc.scopes).toEqual([]);
    await c.api.getSite("acme-web", "s");
    expect(c.credentials).toBe("application default credentials");
    expect(seen[0]?.auth).toBe("Bearer ya29.adc");
    expect(adc.scopes).toContain("https://www.googleapis.com/auth/firebase");
  });

  it("no ADC is a user error naming the ways to log in", async () => {
    stubFetch();
    adc.fail = true;
    const c = await createHostingClients({ target: target({}), env: {} });
    await expect(c.api.getSite("acme-web", "s")).rejects.toMatchObject({
      code: "CREDENTIALS",
      fault: "user",
      hint: expect.stringContaining("gcloud auth application-default login"),
    });
  });
});
