// A GCP target and no Application Default Credentials, through the built CLI: one CREDENTIALS
// error with its hint, no library warning and no stack trace. Before, gax's own lookup in each
// client it built rejected unawaited: an unhandled "Could not load the default credentials" with
// google-auth-library's stack, after gcp-metadata's MetadataLookupWarning. The metadata server
// is a local one that answers 500 (GCE_METADATA_HOST), so nothing leaves this machine.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, apiship, cleanup, ensureBuilt, envelope, tempDir } from "./helpers.js";

const server = createServer((_req, res) => {
  res.writeHead(500, { "content-type": "text/plain" });
  res.end("metadata unavailable");
});

beforeAll(async () => {
  ensureBuilt();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
}, 180_000);
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  cleanup();
});

describe("gcp without credentials", () => {
  it("plan reports CREDENTIALS once, with its hint, and no warning or stack trace", async () => {
    const env = {
      GCE_METADATA_HOST: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      HF_TOKEN: "x",
      HOME: tempDir("apiship-no-adc-"),
    };
    const manifest = join(ROOT, "examples/sentiment-api/apiship.yaml");
    const r = await apiship(["plan", "-f", manifest, "--env", "staging"], { env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("(CREDENTIALS)");
    expect(r.stderr).toContain("gcloud auth application-default login");
    expect(r.stderr).not.toMatch(/MetadataLookupWarning|Warning: .*metadata/i);
    expect(r.stderr).not.toMatch(/^\s+at .*\.js:\d+/m);
    expect(r.stderr).not.toMatch(/Node\.js v\d+/);
    const json = await apiship(["plan", "-f", manifest, "--env", "staging", "--json"], { env });
    const doc = envelope(json);
    expect(doc.status).toBe("error");
    expect(json.stderr).not.toMatch(/^\s+at .*\.js:\d+/m);
  });
});
