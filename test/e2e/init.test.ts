// `apiship init` writes a starter manifest that `validate` accepts, for each kind and several
// providers; it never overwrites without --force and, with stdin closed (a pipe, CI), never asks.

import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Manifest } from "../../src/manifest/types.js";
import type { InitResult } from "../../src/cli/commands/init.js";
import { BIN, apiship, cleanup, ensureBuilt, envelope, mapLimit, tempDir } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);
afterAll(cleanup);

const CASES = [
  {
    kind: "function",
    providers: "aws,gcp,azure,digitalocean,firebase",
    platforms: ["aws/lambda", "gcp/cloud-functions"],
  },
  {
    kind: "container",
    providers: "aws,gcp,azure,heroku,kubernetes,digitalocean",
    platforms: ["aws/ecs-fargate", "kubernetes/kubernetes"],
  },
] as const;

describe("init", () => {
  it("writes a manifest that validate accepts, for each kind and several providers", async () => {
    const dirs = CASES.map(() => tempDir("apiship-init-"));
    const inits = await mapLimit(CASES, 2, (c, i) =>
      apiship(["init", "--kind", c.kind, "--provider", c.providers, "--name", `svc-${c.kind}`], {
        cwd: dirs[i],
      }),
    );
    const checks = await mapLimit(dirs, 2, (cwd) => apiship(["validate", "--json"], { cwd }));
    CASES.forEach((c, i) => {
      expect(inits[i]?.code, inits[i]?.stderr).toBe(0);
      expect(inits[i]?.stdout).toContain(`Wrote ${join(dirs[i] ?? "", "apiship.yaml")}`);
      const out = envelope<{ manifests: Manifest[] }>(checks[i] ?? { code: -1, stdout: "", stderr: "" });
      expect(out.status, checks[i]?.stderr).toBe("ok");
      const m = out.result?.manifests[0];
      expect(m?.name).toBe(`svc-${c.kind}`);
      const stack = m?.stacks[0];
      expect(stack?.service.kind).toBe(c.kind);
      const ids = Object.values(m?.targets ?? {}).map((t) => `${t.provider}/${t.platform}`);
      expect(ids).toHaveLength(c.providers.split(",").length);
      expect(ids).toEqual(expect.arrayContaining([...c.platforms]));
      // DigitalOcean Functions runs another Node.js: its function target gets its own environment.
      const envs = m?.environments.map((e) => e.name) ?? [];
      expect(envs).toEqual(
        c.kind === "function" ? ["staging", "production", "digitalocean"] : ["staging", "production"],
      );
    });
    // A starter is commented for the person who will edit it.
    expect(readFileSync(join(dirs[0] ?? "", "apiship.yaml"), "utf8")).toMatch(/^# .*\n/m);
  });

  it("refuses to overwrite an existing file without --force, and overwrites with it", async () => {
    const cwd = tempDir("apiship-init-");
    const file = join(cwd, "apiship.yaml");
    writeFileSync(file, "# mine\n");
    const refused = await apiship(["init", "--kind", "container"], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/apiship\.yaml already exists/);
    expect(refused.stderr).toMatch(/hint: .*--force/);
    expect(readFileSync(file, "utf8")).toBe("# mine\n");

    const forced = await apiship(["init", "--kind", "container", "--force", "--json"], { cwd });
    expect(forced.code).toBe(0);
    expect(envelope<InitResult>(forced).result).toEqual({
      file,
      kind: "container",
      providers: ["kubernetes"],
    });
    expect(readFileSync(file, "utf8")).toMatch(/provider: kubernetes/);
  });

  it.skipIf(!existsSync("/usr/bin/script"))(
    "on a terminal, asks with a select and a checkbox that asks again until one provider is ticked (skipped without util-linux script)",
    async () => {
      const cwd = tempDir();
      // Keys as a person types them: ↓ Enter (function), Space Enter (aws unticked: asked again),
      // Space Enter (aws). script(1) gives the CLI a pseudo-terminal.
      const keys = ["\u001b[B", "\r", " ", "\r", " ", "\r"];
      const child = spawn("/usr/bin/script", ["-qec", `"${process.execPath}" "${BIN}" init`, "/dev/null"], {
        cwd,
        env: { PATH: process.env.PATH ?? "", HOME: cwd, TERM: "xterm" },
        stdio: ["pipe", "pipe", "pipe"],
      });
      const closed = new Promise((r) => child.on("close", r));
      let out = "";
      child.stdout.on("data", (b: Buffer) => (out += b.toString()));
      const waitFor = async (text: string) => {
        for (let i = 0; i < 200 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 25));
      };
      await waitFor("What does the service run?");
      for (const k of keys) {
        child.stdin.write(k);
        await new Promise((r) => setTimeout(r, 250));
      }
      await waitFor("Wrote ");
      child.stdin.end();
      await closed;
      expect(out).toContain("At least one choice must be selected");
      expect(out).toContain("(function on aws)");
      expect(readFileSync(join(cwd, "apiship.yaml"), "utf8")).toMatch(/provider: aws, platform: lambda/);
    },
  );

  it("with stdin closed and no flags, never prompts: it writes the defaults", async () => {
    const cwd = tempDir("apiship-init-");
    // Not CI, so only the missing TTY keeps it from asking.
    const r = await apiship(["init"], { cwd, env: { CI: undefined } });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\?|\[.*\]:/);
    expect(r.stdout).toMatch(/container on kubernetes/);
    const v = await apiship(["validate"], { cwd });
    expect(v.code).toBe(0);
  });

  it("an unknown provider for the kind is a usage error listing the ones that fit", async () => {
    const r = await apiship(["init", "--kind", "function", "--provider", "heroku"], {
      cwd: tempDir("apiship-init-"),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/heroku/);
    expect(r.stderr).toMatch(/hint: choose from: .*aws/);
  });
});
