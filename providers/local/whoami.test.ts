// whoami() of the local platforms: the user on this machine, and the program the target runs
// with. Container engines are stand-in scripts on PATH (one whose daemon answers, one whose does
// not), so the test needs no Docker; Python is the machine's python3, or a path that is not there.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Ctx } from "../../src/core/provider.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { ctxFor, targetOf } from "../../test/fakes/_shared/ctx.js";
import { localContainer } from "./container.js";
import { localProcess } from "./process.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "apiship-local-whoami-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function engine(name: string, script: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, name), 0o755);
}

function withFunction<C>(ctx: Ctx<C>, runtime: string): Ctx<C> {
  const fn = { runtime, handler: "main:app", source: ".", interface: "portable" as const };
  const service: ServiceSpec = { ...ctx.stack.service, kind: "function", function: fn };
  return { ...ctx, stack: { ...ctx.stack, service, baseDir: dir } };
}

async function processWhoami(runtime: string, python?: string) {
  const t = targetOf(
    "local/process",
    localProcess.options.parse(python ? { python } : {}) as unknown as Record<string, unknown>,
  );
  const clients = await localProcess.createClients!({ target: t, env: {} });
  return localProcess.whoami!(withFunction(ctxFor(clients, t), runtime));
}

describe("local whoami", () => {
  it("local/process: the user here and the CLI's own Node.js for a Node function", async () => {
    const id = await processWhoami("nodejs20");
    expect(id.principal).toMatch(/^.+@.+$/);
    expect(id.detail).toBe("the user on this machine");
    expect(id.reach).toEqual({
      ok: true,
      detail: `Node.js ${process.version} (this CLI's own) runs nodejs20`,
    });
  });

  it("local/process: a Python function's interpreter answers, or PYTHON_MISSING names it", async () => {
    const ok = await processWhoami("python3.12");
    expect(ok.reach).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^Python 3\.\d+.* \(python3\) runs python3\.12$/),
    });
    const missing = await processWhoami("python3.12", ".venv/bin/python");
    expect(missing.reach).toMatchObject({
      ok: false,
      error: { code: "PYTHON_MISSING", hint: expect.stringMatching(/install Python 3/) },
    });
  });

  it("local/container: the engine on PATH and its daemon's version", async () => {
    engine("docker", 'echo "27.1.1"');
    const t = targetOf("local/container", {});
    const clients = await localContainer.createClients!({ target: t, env: { PATH: dir } });
    const id = await localContainer.whoami!(ctxFor(clients, t));
    expect(id.detail).toBe(`the user on this machine; docker at ${join(dir, "docker")}`);
    expect(id.reach).toEqual({ ok: true, detail: "the docker engine answered (server 27.1.1)" });
  });

  it("local/container: a daemon that does not answer fails the reach; no engine fails at createClients", async () => {
    engine("podman", 'echo "Cannot connect to Podman. Is podman.sock there?" >&2; exit 125');
    const t = targetOf("local/container", {});
    const clients = await localContainer.createClients!({ target: t, env: { PATH: dir } });
    const id = await localContainer.whoami!(ctxFor(clients, t));
    expect(id.reach).toMatchObject({ ok: false, error: { code: "CONTAINER_ENGINE_DOWN" } });
    const none = await Promise.resolve(
      localContainer.createClients!({ target: t, env: { PATH: join(dir, "empty") } }),
    ).catch((e: unknown) => e);
    expect(none).toMatchObject({
      code: "CONTAINER_ENGINE_MISSING",
      hint: expect.stringMatching(/install Docker or Podman/),
    });
  });
});
