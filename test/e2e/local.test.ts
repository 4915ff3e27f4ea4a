// local/process through the built CLI: a portable function deployed to this machine as a real
// process, with the same plan, state, health check, rollback, status and destroy as a cloud.
// Every check looks at the machine itself: the endpoint answers over HTTP, the pid is alive or
// gone (kill 0), the port is free or held.

import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOwned, identify } from "../../providers/local/pids.js";
import { localPaths } from "../../providers/local/state.js";
import { BIN, ROOT, apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

const CANARY = "canary-7f3a9c-local-secret";

function manifest(runtime = "nodejs20", handler = "src/index.handler"): string {
  return `apiVersion: apiship/v1
name: hello-local
service:
  function: { runtime: ${runtime}, handler: ${handler}, source: . }
  env: { GREETING: hi }
  secrets: { API_TOKEN: env:LOCAL_CANARY }
  health: { path: /healthz, attempts: 2, interval: 100ms }
targets:
  local: { provider: local, platform: process }
environments:
  development: { targets: [local] }
`;
}

const HANDLER = (answer: string, health = 200) => `export async function handler(request) {
  const url = new URL(request.url);
  if (url.pathname === "/healthz") return new Response(JSON.stringify({ status: "ok" }), { status: ${health} });
  // The secret is used, never printed: the test looks for it in the log.
  return Response.json({ answer: "${answer}", greeting: process.env.GREETING, token: process.env.API_TOKEN === "${CANARY}" });
}
`;

const ENV = { LOCAL_CANARY: CANARY };
const dirs: string[] = [];

function project(answer = "one"): string {
  const dir = tempDir("apiship-local-");
  dirs.push(dir);
  writeFileSync(join(dir, "apiship.yaml"), manifest());
  cpSync(join(ROOT, "examples/hello-fn/src"), join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "src/index.mjs"), HANDLER(answer));
  return dir;
}

const run = (dir: string, ...args: string[]) =>
  apiship([...args, "--env", "development"], { cwd: dir, env: ENV });
const deploy = (dir: string) => run(dir, "deploy", "--yes");
const paths = (dir: string) =>
  localPaths({ app: "hello-local", environment: "development", baseDir: dir }, "local");
const marker = (dir: string) =>
  JSON.parse(readFileSync(paths(dir).marker, "utf8")) as { pid: number; port: number };

async function endpoint(dir: string): Promise<string> {
  const r = await run(dir, "outputs", "--target", "local", "--output", "endpoint");
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

async function get(dir: string, path = "/"): Promise<{ answer: string; greeting: string; token: boolean }> {
  const res = await fetch(`${await endpoint(dir)}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { answer: string; greeting: string; token: boolean };
}

// Not kill(pid, 0): where PID 1 does not reap (a container), an ended process lingers as a
// zombie that kill 0 still finds. identify() reads /proc and counts a zombie as gone.
const alive = async (pid: number) => (await identify(pid)) !== undefined;

const portHeld = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });

beforeAll(() => ensureBuilt());
afterAll(async () => {
  // Whatever a failed test left running is stopped: by destroy, else by its ownership label.
  for (const dir of dirs) {
    await run(dir, "destroy", "--confirm", "development").catch(() => undefined);
    for (const p of await findOwned(paths(dir).owner)) process.kill(-p.pid, "SIGKILL");
  }
  cleanup();
});

describe("local/process through the CLI", () => {
  it("deploys, answers on its endpoint, keeps its pid on an unchanged redeploy and is replaced on a code change", async () => {
    const dir = project("one");
    const first = await deploy(dir);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(await get(dir, "/hello")).toEqual({ answer: "one", greeting: "hi", token: true });
    const { pid, port } = marker(dir);
    expect(await alive(pid)).toBe(true);

    const again = await deploy(dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/No changes/);
    expect(marker(dir).pid).toBe(pid);

    writeFileSync(join(dir, "src/index.mjs"), HANDLER("two"));
    const changed = await deploy(dir);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toMatch(/must be replaced/);
    expect((await get(dir)).answer).toBe("two");
    expect(marker(dir).pid).not.toBe(pid);
    expect(marker(dir).port).toBe(port);
    expect(await alive(pid)).toBe(false);
  });

  it("history shows what each release ran and when; rollback previews the release it goes back to", async () => {
    const dir = project("first");
    expect((await deploy(dir)).code).toBe(0);
    writeFileSync(join(dir, "src/index.mjs"), HANDLER("second"));
    expect((await deploy(dir)).code).toBe(0);
    const history = await run(dir, "history");
    expect(history.stdout).toMatch(/^#2 {2}\S+ \(\d+s ago\) {2}/m);
    expect(history.stdout).toMatch(/^ {4}runs: local [0-9a-f]{12}$/m);
    const [second, first] = [...history.stdout.matchAll(/runs: local ([0-9a-f]{12})/g)].map((m) => m[1]);
    const r = await run(dir, "rollback", "--yes");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`local: ${second} → ${first}, release #1 of `);
    expect(r.stderr).toMatch(/\(\d+s ago\) by \S+/);
    expect((await get(dir)).answer).toBe("first");
    const status = await run(dir, "status");
    expect(status.stdout).toMatch(/Z \(\d+s ago\)/);
  });

  it("rolls an unhealthy release back to the previous build, which serves again, and exits 3", async () => {
    const dir = project("good");
    expect((await deploy(dir)).code).toBe(0);
    writeFileSync(join(dir, "src/index.mjs"), HANDLER("bad", 500));
    const r = await deploy(dir);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/rolled-back/);
    expect(r.stdout + r.stderr).toMatch(/apiship logs --env development --target local/);
    expect((await get(dir)).answer).toBe("good");
  });

  it("shows a process killed from outside as missing in status and as drift in plan", async () => {
    const dir = project();
    expect((await deploy(dir)).code).toBe(0);
    const { pid } = marker(dir);
    process.kill(-pid, "SIGKILL");
    for (let i = 0; i < 50 && (await alive(pid)); i++) await new Promise((r) => setTimeout(r, 20));
    const status = await run(dir, "status", "--json");
    const report = JSON.parse(status.stdout) as {
      result: { stacks: { targets: { health: string; drift: boolean }[] }[] };
    };
    expect(report.result.stacks[0]?.targets[0]).toMatchObject({ health: "missing", drift: true });
    const plan = await run(dir, "plan", "--detailed-exitcode");
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/running = true → false/);
    expect(plan.stdout).toMatch(/not running \(it exited, or was stopped or killed\)/);
    expect((await deploy(dir)).code).toBe(0);
    expect((await get(dir)).answer).toBe("one");
  });

  it("open prints or opens the endpoint, through $BROWSER", async () => {
    const dir = project();
    expect((await deploy(dir)).code).toBe(0);
    const url = await endpoint(dir);
    const printed = await run(dir, "open", "--print", "--path", "/healthz");
    expect(printed.stdout.trim()).toBe(`${url}/healthz`);
    const seen = join(dir, "opened.txt");
    const browser = join(dir, "browser.sh");
    writeFileSync(browser, `#!/bin/sh\necho "$1" > "${seen}"\n`, { mode: 0o755 });
    const opened = await apiship(["open", "--env", "development"], {
      cwd: dir,
      env: { ...ENV, BROWSER: browser },
    });
    expect(opened.code, opened.stderr).toBe(0);
    for (let i = 0; i < 50 && !existsSync(seen); i++) await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(seen, "utf8").trim()).toBe(url);
  });

  it("destroy leaves no process and no port held", async () => {
    const dir = project();
    expect((await deploy(dir)).code).toBe(0);
    const { pid, port } = marker(dir);
    const r = await run(dir, "destroy", "--confirm", "development");
    expect(r.code, r.stderr).toBe(0);
    // The preview names what goes before it goes.
    expect(r.stderr).toContain("apiship destroy will delete, in hello-local/development:");
    expect(r.stderr).toMatch(
      /- local \(local\/process\) hello-local-development-local: http:\/\/127\.0\.0\.1:\d+, release [0-9a-f]{12}/,
    );
    expect(r.stderr).toMatch(/^ {6}process hello-local-development-local$/m);
    expect(await alive(pid)).toBe(false);
    expect(await portHeld(port)).toBe(false);
    expect(await findOwned(paths(dir).owner)).toEqual([]);
    expect(existsSync(paths(dir).marker)).toBe(false);
  });

  it.skipIf(!existsSync("/usr/bin/script"))(
    "on a terminal, destroy asks for the environment's name instead of --confirm (skipped without util-linux script)",
    async () => {
      const dir = project();
      expect((await deploy(dir)).code).toBe(0);
      const { pid } = marker(dir);
      // script(1) gives the CLI a pseudo-terminal and types our stdin into it.
      const cmd = `"${process.execPath}" "${BIN}" destroy --env development`;
      const r = spawnSync("/usr/bin/script", ["-qec", cmd, "/dev/null"], {
        cwd: dir,
        input: "development\n",
        env: { ...process.env, ...ENV, NO_COLOR: "1", CI: "" },
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(r.status, r.stdout).toBe(0);
      expect(r.stdout).toContain("Type the environment's name (development) to destroy it:");
      expect(await alive(pid)).toBe(false);
    },
  );

  it("keeps a canary secret out of the state, the log file and the output", async () => {
    const dir = project();
    const r = await deploy(dir);
    expect(r.code).toBe(0);
    expect((await get(dir)).token).toBe(true);
    const logs = await run(dir, "logs", "--json");
    expect(logs.stdout).toMatch(/listening on 127\.0\.0\.1/);
    const files = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)],
      );
    const apiship = files(join(dir, ".apiship")).filter((f) => !f.includes("/builds/"));
    expect(apiship.some((f) => f.endsWith("state.db"))).toBe(true);
    for (const f of apiship) expect(readFileSync(f).includes(CANARY), f).toBe(false);
    for (const out of [r.stdout, r.stderr, logs.stdout, logs.stderr]) expect(out).not.toContain(CANARY);
  });

  it("leaves no orphan when apiship is killed -9 mid-deploy, and the next run converges to one process", async () => {
    const dir = project();
    expect((await deploy(dir)).code).toBe(0);
    writeFileSync(join(dir, "src/index.mjs"), HANDLER("after-kill"));
    // Killed as soon as the new process is being started: the old one is stopped, the new one
    // may or may not be recorded in the state.
    const child = spawn(process.execPath, [BIN, "deploy", "--yes", "--env", "development"], {
      cwd: dir,
      env: { ...process.env, ...ENV, NO_COLOR: "1", CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let seen = "";
    child.stderr.on("data", (b: Buffer) => {
      seen += b.toString();
      if (seen.includes("start process")) child.kill("SIGKILL");
    });
    await new Promise((r) => child.on("close", r));
    expect(seen).toMatch(/start process/);
    expect((await findOwned(paths(dir).owner)).length).toBeLessThanOrEqual(2);

    const next = await deploy(dir);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    const owned = await findOwned(paths(dir).owner);
    // The supervisor and the function under it: one deployment.
    expect(owned.map((p) => p.pid)).toContain(marker(dir).pid);
    expect(owned.length).toBe(2);
    expect((await get(dir)).answer).toBe("after-kill");
  });

  it("the README's first command deploys examples/hello-fn to this machine and prints its answer", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const [deployLine = ""] = /^```sh\n(.*)$/m.exec(readme)?.slice(1) ?? [];
    const destroyLine = /^`(npx apiship destroy [^`]*)`/m.exec(readme)?.[1] ?? "";
    // As a user runs them, but with the built CLI for npx and without the install.
    const asRun = (line: string) =>
      line
        .replace(/\s+#\s.*$/, "")
        .replace(/^npm ci && /, "")
        .replaceAll("npx apiship", `"${process.execPath}" "${BIN}"`);
    const root = tempDir("apiship-readme-");
    cpSync(join(ROOT, "examples/hello-fn"), join(root, "examples/hello-fn"), {
      recursive: true,
      filter: (src) => !src.includes(".apiship"),
    });
    const env = { PATH: process.env.PATH ?? "", HOME: root, CI: "true", NO_COLOR: "1" };
    const sh = (line: string) => spawnSync("sh", ["-c", asRun(line)], { cwd: root, env, encoding: "utf8" });
    const r = sh(deployLine);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "")).toEqual({
      message: "hello, you",
      path: "/",
    });
    const pid = (
      JSON.parse(
        readFileSync(join(root, "examples/hello-fn/.apiship/local/hello-fn/development/local.json"), "utf8"),
      ) as { pid: number }
    ).pid;
    const d = sh(destroyLine);
    expect(d.status, d.stderr).toBe(0);
    expect(await alive(pid)).toBe(false);
  });

  it("runs a Python ASGI app with the machine's python3", async () => {
    const dir = tempDir("apiship-local-py-");
    dirs.push(dir);
    writeFileSync(
      join(dir, "apiship.yaml"),
      manifest("python3.11", "main:app").replace("hello-local", "hello-local"),
    );
    cpSync(join(ROOT, "examples/py-fn/main.py"), join(dir, "main.py"));
    const r = await deploy(dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const res = await fetch(`${await endpoint(dir)}/hi?name=py`);
    expect(await res.json()).toEqual({ message: "hello, py", path: "/hi" });
  });
});
