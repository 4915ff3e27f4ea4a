// A portable function on Heroku (issue 19): the source build's tarball is the generated server
// entry (Node.js: apiship-server.mjs bundled with the user's fetch handler; Python: apiship_server.py
// beside the source, APISHIP_APP as a config var) with a Procfile that runs it when the folder has
// none (the user's own otherwise); the fake receives exactly that tarball; an unchanged source
// plans no change. Against the Heroku fake.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/provider.js";
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
import type { HerokuState } from "./state.js";
import { buildTarball } from "./source.js";

const APP = "shop-dev-fn";
const dirs: string[] = [];
let fake: HerokuFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** name → contents of a ustar tarball (regular files only). */
function untar(tgz: Buffer): Map<string, string> {
  const tar = gunzipSync(tgz);
  const out = new Map<string, string>();
  for (let p = 0; p + 512 <= tar.length;) {
    const h = tar.subarray(p, p + 512);
    if (h.every((b) => b === 0)) break;
    const field = (a: number, n: number) =>
      h
        .subarray(a, a + n)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join("/");
    const size = parseInt(field(124, 12), 8);
    out.set(name, tar.subarray(p + 512, p + 512 + size).toString("utf8"));
    p += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "apiship-heroku-portable-"));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, ".."), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

const serviceOf = (fn: ServiceSpec["function"]): ServiceSpec => {
  const { container: _c, ...rest } = containerService;
  return { ...rest, kind: "function", function: fn };
};

async function ctxFor(service: ServiceSpec, f: HerokuFake): Promise<Ctx<HerokuClients>> {
  const options = heroku.options.parse({ endpoint: f.url, stack: "heroku-24" }) as HerokuOptions;
  const target = { name: "fn", provider: "heroku", platform: "heroku", options } as never;
  const stack: Stack = { id: "shop/dev", app: "shop", environment: "dev", service, targets: [target] };
  return {
    clients: await createHerokuClients({ target, env: { HEROKU_API_KEY: "k", APISHIP_HEROKU_POLL_MS: "2" } }),
    stack,
    target,
    progress: { step: () => {}, done: () => {} },
    log: { debug: () => {}, info: () => {}, warn: () => {} },
    signal: new AbortController().signal,
  };
}

async function plan(ctx: Ctx<HerokuClients>, recorded?: HerokuState) {
  const artifact = await buildTarball(ctx, ctx.stack.service);
  const planned = await readAndPlan(heroku as never, ctx, {
    stack: ctx.stack,
    target: ctx.target,
    service: ctx.stack.service,
    name: APP,
    recorded,
    secretHashes: { API_KEY: "h" },
    artifact,
  });
  return { artifact, planned: planned as unknown as HerokuChange };
}

describe("heroku/heroku source builds with function.interface: portable", () => {
  it("Node.js: ships the bundled server with a Procfile that runs it; unchanged plans nothing", async () => {
    fake = await startHerokuFake({ world: { buildPendingReads: 1 } });
    const source = dir({
      "src/index.mjs": "export const handler = (r) => Response.json({ path: new URL(r.url).pathname });\n",
      "notes.txt": "not shipped",
    });
    const ctx = await ctxFor(
      serviceOf({ runtime: "nodejs22", handler: "src/index.handler", source, interface: "portable" }),
      fake,
    );
    const first = await plan(ctx);
    const files = untar(readFileSync(first.artifact.path));
    expect([...files.keys()].sort()).toEqual(["Procfile", "apiship-server.mjs", "package.json"]);
    expect(files.get("Procfile")).toBe("web: node apiship-server.mjs\n");
    expect(JSON.parse(files.get("package.json") ?? "{}")).toMatchObject({ main: "apiship-server.mjs" });
    const res = await apply(ctx, { ...first.planned, artifact: first.artifact, secrets: { API_KEY: "v" } });
    // The fake built the very tarball planned.
    const put = fake.requests.find((r) => r.method === "PUT" && r.path.startsWith("/__blobs/"));
    expect(put?.body.equals(readFileSync(first.artifact.path))).toBe(true);
    expect(res.state.release?.source).toBe(first.artifact.digest?.slice(0, 12));
    const again = await plan(ctx, res.state);
    expect(again.planned.changes.filter((c) => c.action !== "no-op")).toEqual([]);
    expect(fake.rejected).toEqual([]);
  });

  it("Python: the entry beside the source, APISHIP_APP as a config var, the user's Procfile kept", async () => {
    fake = await startHerokuFake({ world: { buildPendingReads: 1 } });
    const source = dir({
      "main.py": "async def app(scope, receive, send):\n    pass\n",
      "requirements.txt": "starlette\n",
      Procfile: "web: python apiship_server.py --workers 2\n",
    });
    const ctx = await ctxFor(
      serviceOf({ runtime: "python3.12", handler: "main:app", source, interface: "portable" }),
      fake,
    );
    const first = await plan(ctx);
    expect(first.planned.changes.find((c) => c.type === "config")?.after).toMatchObject({
      env: { APISHIP_APP: "main:app" },
    });
    const files = untar(readFileSync(first.artifact.path));
    expect([...files.keys()].sort()).toEqual([
      "Procfile",
      "apiship_asgi.py",
      "apiship_server.py",
      "main.py",
      "requirements.txt",
    ]);
    expect(files.get("Procfile")).toBe("web: python apiship_server.py --workers 2\n");
    const res = await apply(ctx, { ...first.planned, artifact: first.artifact, secrets: { API_KEY: "v" } });
    expect(res.state.config.env).toMatchObject({ APISHIP_APP: "main:app" });
    const again = await plan(ctx, res.state);
    expect(again.planned.changes.filter((c) => c.action !== "no-op")).toEqual([]);
  });
});
