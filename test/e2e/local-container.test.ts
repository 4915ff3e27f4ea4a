// local/container through the built CLI, against a stub docker on PATH that records its
// arguments (test/support/stub-docker.mjs), and, where a Docker engine answers, against the real
// one (an acceptance test that says when it is skipped).

import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { ROOT, STACK_LINE, apiship, cleanup, ensureBuilt, tempDir } from "./helpers.js";

const CANARY = "canary-container-9d2e";

const manifest = (image: string, probe = "none") => `apiVersion: apiship/v1
name: shop
service:
  container: { image: ${image}, port: 8080 }
  env: { MODE: dev }
  secrets: { API_TOKEN: env:SHOP_TOKEN }
targets:
  box: { provider: local, platform: container, health: { probe: ${probe} } }
environments:
  development: { targets: [box] }
`;

interface Call {
  args: string[];
  envSet: Record<string, boolean>;
}

beforeAll(() => ensureBuilt());
afterAll(() => cleanup());

function setup(image = "ghcr.io/acme/shop:1") {
  const dir = tempDir("apiship-local-ctr-");
  const bin = join(dir, "bin");
  mkdirSync(bin);
  copyFileSync(join(ROOT, "test/support/stub-docker.mjs"), join(bin, "docker"));
  execFileSync("chmod", ["+x", join(bin, "docker")]);
  writeFileSync(join(dir, "apiship.yaml"), manifest(image));
  const env = { PATH: `${bin}:${process.env.PATH ?? ""}`, STUB_DOCKER_DIR: dir, SHOP_TOKEN: CANARY };
  const cli = (...args: string[]) => apiship([...args, "--env", "development"], { cwd: dir, env });
  const calls = () =>
    readFileSync(join(dir, "calls.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Call);
  return { dir, cli, calls };
}

describe("local/container with a stub docker", () => {
  it("runs the image with ownership labels, a port mapping and env, secrets by name only", async () => {
    const { cli, calls } = setup();
    const r = await cli("deploy", "--yes");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const run = calls().find((c) => c.args[0] === "run");
    expect(run?.args.slice(0, 4)).toEqual(["run", "-d", "--name", "shop-development-box"]);
    expect(run?.args).toContain("ghcr.io/acme/shop:1");
    expect(run?.args.join(" ")).toMatch(/--label dev\.apiship\.owner=shop\/development\/box@[0-9a-f]{10}/);
    expect(run?.args.join(" ")).toMatch(/-p 127\.0\.0\.1:\d+:8080/);
    expect(run?.args.join(" ")).toContain("-e MODE -e API_TOKEN");
    // The value travels in the CLI's environment, never on its command line.
    expect(run?.envSet).toEqual({ MODE: true, API_TOKEN: true });
    for (const c of calls()) expect(c.args.join(" ")).not.toContain(CANARY);
    expect(r.stdout + r.stderr).not.toContain(CANARY);

    const again = await cli("deploy", "--yes");
    expect(again.stdout).toMatch(/No changes/);
    expect(calls().filter((c) => c.args[0] === "run")).toHaveLength(1);
  });

  it("replaces the container for a new image, keeps its port, and destroy removes it", async () => {
    const { dir, cli, calls } = setup();
    expect((await cli("deploy", "--yes")).code).toBe(0);
    const port = /-p 127\.0\.0\.1:(\d+):8080/.exec(
      calls()
        .find((c) => c.args[0] === "run")
        ?.args.join(" ") ?? "",
    )?.[1];
    writeFileSync(join(dir, "apiship.yaml"), manifest("ghcr.io/acme/shop:2"));
    const r = await cli("deploy", "--yes");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const runs = calls().filter((c) => c.args[0] === "run");
    expect(runs.at(-1)?.args).toContain("ghcr.io/acme/shop:2");
    expect(runs.at(-1)?.args.join(" ")).toContain(`-p 127.0.0.1:${port}:8080`);
    const verbs = calls().map((c) => c.args.slice(0, 2).join(" "));
    expect(verbs.indexOf("container rm")).toBeLessThan(verbs.lastIndexOf("run -d"));

    const logs = await cli("logs");
    expect(logs.stdout).toMatch(/box \| 2026-12-07 10:00:00.*listening on :8080/);

    const d = await cli("destroy", "--confirm", "development");
    expect(d.code, d.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "containers.json"), "utf8"))).toEqual({});
  });

  it("plan names the engines it looked for when neither is on PATH, with a hint and no stack trace", async () => {
    const dir = tempDir("apiship-local-ctr-none-");
    writeFileSync(join(dir, "apiship.yaml"), manifest("ghcr.io/acme/shop:1"));
    const r = await apiship(["plan", "--env", "development"], {
      cwd: dir,
      env: { PATH: join(dir, "empty") },
    });
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toMatch(/docker or podman is not on PATH/);
    expect(r.stderr + r.stdout).toMatch(/install Docker or Podman/);
    expect(r.stderr + r.stdout).not.toMatch(STACK_LINE);
  });

  it("refuses a container of the same name that apiship did not start", async () => {
    const { dir, cli } = setup();
    writeFileSync(
      join(dir, "containers.json"),
      JSON.stringify({
        "shop-development-box": {
          Id: "x",
          Name: "/shop-development-box",
          State: { Running: true },
          Config: { Image: "other", Labels: {} },
          HostConfig: {},
        },
      }),
    );
    const r = await cli("deploy", "--yes");
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/exists and apiship did not start it/);
  });
});

const daemon = (() => {
  try {
    execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], { stdio: "pipe", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
})();
const IMAGE = process.env.APISHIP_DOCKER_TEST_IMAGE ?? "nginx:alpine";

describe("local/container with a real Docker engine", () => {
  it.skipIf(!daemon)(
    `deploys ${IMAGE}, which answers on its endpoint, and destroy removes it (skipped: no Docker engine answers on this machine)`,
    async () => {
      const dir = tempDir("apiship-local-docker-");
      // An image serving on port 80, without the secret the stub tests give.
      const text = manifest(IMAGE, "http").replace("port: 8080", "port: 80");
      writeFileSync(join(dir, "apiship.yaml"), text.replace(/^ {2}secrets:.*\n/m, ""));
      const cli = (...a: string[]) =>
        apiship([...a, "--env", "development"], { cwd: dir, env: { PATH: process.env.PATH } });
      const r = await cli("deploy", "--yes");
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const url = (await cli("outputs", "--target", "box", "--output", "endpoint")).stdout.trim();
      expect((await fetch(url)).status).toBe(200);
      expect((await cli("destroy", "--confirm", "development")).code).toBe(0);
    },
  );
});
