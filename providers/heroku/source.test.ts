import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
// Source builds against the Heroku fake (through the real fetch client): the deterministic
// tarball, the Sources API upload, the build and its release, and a failed build's output.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { ServiceSpec, Stack } from "../../src/manifest/types.js";
import { startHerokuFake } from "../../test/fakes/heroku/server.js";
import type { HerokuFake } from "../../test/fakes/heroku/server.js";
import { service as containerService } from "../../test/fakes/heroku/stub.js";
import { readAndPlan } from "../../test/support/read-plan.js";
import { apply } from "./apply.js";
import type { HerokuChange } from "./apply.js";
import { createHerokuClients } from "./clients.js";
import type { HerokuClients } from "./clients.js";
import { heroku } from "./heroku.js";
import type { HerokuOptions } from "./plan.js";
import { buildTarball, tarball } from "./source.js";

const APP = "shop-dev-fn";
const dirs: string[] = [];
let fake: HerokuFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sourceDir(procfile = true): string {
  const d = mkdtempSync(join(tmpdir(), "apiship-heroku-src-"));
  dirs.push(d);
  mkdirSync(join(d, "lib"));
  writeFileSync(
    join(d, "server.js"),
    "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT);\n",
  );
  writeFileSync(join(d, "lib", "run.sh"), "#!/bin/sh\nnode server.js\n");
  chmodSync(join(d, "lib", "run.sh"), 0o755);
  writeFileSync(join(d, ".gitignore"), "node_modules/\n");
  mkdirSync(join(d, "node_modules"));
  writeFileSync(join(d, "node_modules", "big.js"), "ignored");
  if (procfile) writeFileSync(join(d, "Procfile"), "web: node server.js\n");
  return d;
}

const fnService = (source: string): ServiceSpec => {
  const { container: _c, ...rest } = containerService;
  return {
    ...rest,
    kind: "function",
    function: { runtime: "nodejs22", handler: "server.js", source, interface: "native" },
  };
};

async function ctxFor(source: string, f: HerokuFake): Promise<Ctx<HerokuClients>> {
  const options = heroku.options.parse({ endpoint: f.url, stack: "heroku-24" }) as HerokuOptions;
  const target = { name: "fn", provider: "heroku", platform: "heroku", options } as never;
  const stack: Stack = {
    id: "shop/dev",
    app: "shop",
    environment: "dev",
    service: fnService(source),
    targets: [target],
  };
  return {
    clients: await createHerokuClients({ target, env: { HEROKU_API_KEY: "k", APISHIP_HEROKU_POLL_MS: "2" } }),
    stack,
    target,
    progress: { step: () => {}, done: () => {} },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    signal: new AbortController().signal,
  };
}

/** Builds, plans and applies; `handOver: false` applies as without the planned artifact. */
async function deploy(ctx: Ctx<HerokuClients>, handOver = true) {
  const artifact = await buildTarball(ctx, ctx.stack.service);
  const planned = await readAndPlan(heroku as never, ctx, {
    stack: ctx.stack,
    target: ctx.target,
    service: ctx.stack.service,
    name: APP,
    recorded: undefined,
    secretHashes: { API_KEY: "h" },
    artifact,
  });
  const { artifact: _a, ...change } = planned as unknown as HerokuChange;
  void _a;
  return {
    artifact,
    res: await apply(ctx, { ...change, ...(handOver ? { artifact } : {}), secrets: { API_KEY: "v" } }),
  };
}

describe("heroku/heroku source builds", () => {
  it("packs the same bytes every time, honouring .gitignore and the executable bit", async () => {
    const d = sourceDir();
    const { data: a, digest } = await tarball(d);
    const again = await tarball(d);
    expect(again.data.equals(a)).toBe(true);
    // The identity is the tar's hash, whatever gzip made of it.
    expect(again.digest).toBe(digest);
    expect(digest).toBe(createHash("sha256").update(gunzipSync(a)).digest("hex"));
    writeFileSync(join(d, "a.tgz"), a);
    const list = spawnSync("tar", ["-tvzf", join(d, "a.tgz")], { encoding: "utf8" })
      .stdout.trim()
      .split("\n");
    expect(list.map((l) => l.split(/\s+/).pop())).toEqual([
      ".gitignore",
      "Procfile",
      "lib/run.sh",
      "server.js",
    ]);
    expect(list[2]).toMatch(/^-rwxr-xr-x/);
  });

  it("uploads through /sources, builds with the checksum, waits for it, and records the release", async () => {
    fake = await startHerokuFake({ world: { buildPendingReads: 2 } });
    const ctx = await ctxFor(sourceDir(), fake);
    const { artifact, res } = await deploy(ctx);
    const api = fake.requests.filter((r) => !r.path.startsWith("/__router"));
    const paths = api.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, ":id")}`);
    expect(paths.slice(0, 8)).toEqual([
      `GET /apps/${APP}`,
      "POST /apps",
      `PATCH /apps/${APP}/config-vars`,
      "POST /sources",
      "PUT /__blobs/:id",
      `POST /apps/${APP}/builds`,
      `GET /apps/${APP}/builds/:id`,
      `GET /apps/${APP}/builds/:id`,
    ]);
    const build = api.find((r) => r.method === "POST" && r.path.endsWith("/builds"))?.json as Record<
      string,
      Record<string, unknown>
    >;
    expect(build.source_blob?.checksum).toBe(`SHA256:${artifact.sha256}`);
    expect(build.source_blob?.version).toBe(artifact.digest?.slice(0, 12));
    // The upload goes to the presigned put_url as raw bytes, not JSON.
    const put = api.find((r) => r.method === "PUT");
    expect([put?.headers.accept, put?.body.length]).toEqual(["application/json", artifact.bytes]);
    expect(res.state.release?.source).toBe(artifact.digest?.slice(0, 12));
    expect(fake.rejected).toEqual([]);
  });

  it("a failed build names its output stream; a source without a Procfile is refused", async () => {
    fake = await startHerokuFake({ world: { buildPendingReads: 1 } });
    const dir = sourceDir();
    const ctx = await ctxFor(dir, fake);
    const artifact = await buildTarball(ctx, ctx.stack.service);
    fake.world.failingSources.add(`SHA256:${artifact.sha256}`);
    const e = (await deploy(ctx).catch((x: unknown) => x)) as ProviderError;
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.message).toMatch(/the buildpack failed; its output: http:\/\/127\.0\.0\.1:\d+\/__streams\//);
    const none = await ctxFor(sourceDir(false), fake);
    await expect(buildTarball(none, none.stack.service)).rejects.toThrow(/has no Procfile/);
  });

  it("handed no artifact (a direct call, a re-apply), packs the folder itself", async () => {
    fake = await startHerokuFake({ world: { buildPendingReads: 1 } });
    const ctx = await ctxFor(sourceDir(), fake);
    const { artifact, res } = await deploy(ctx, false);
    expect(fake.requests.some((r) => r.path === "/sources")).toBe(true);
    expect(res.state.release?.source).toBe(artifact.digest?.slice(0, 12));
  });
});
