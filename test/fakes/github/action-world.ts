// The action's script (src/ci/run.ts) driven with a stand-in CLI: a small Node script that
// prints the --json output a test gives it and records its argv and environment, in a temp
// folder with the runner's files ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY).

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseOutputs } from "../../../src/ci/github.js";
import { runAction } from "../../../src/ci/run.js";
import type { Plan } from "../../../src/plan/types.js";

const ROOT = resolve(import.meta.dirname, "../../..");
export const plan = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, "fixtures/plans", `${name}.json`), "utf8")) as Plan;
const dirs: string[] = [];

/** Removes every world made so far (call it from afterAll). */
export function removeWorlds(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

const FAKE_CLI = `
import { appendFileSync, writeFileSync } from "node:fs";
const [cmd, ...rest] = process.argv.slice(2);
const script = JSON.parse(process.env.FAKE_SCRIPT)[cmd];
appendFileSync(process.env.FAKE_LOG, JSON.stringify({ argv: process.argv.slice(2), state: process.env.APISHIP_STATE ?? null, cwd: process.cwd(), inputs: Object.keys(process.env).filter((k) => k.startsWith("INPUT_")) }) + "\\n");
const out = rest.find((a) => a.startsWith("--out="));
if (out && script.code !== 1) writeFileSync(out.slice(6), "{}");
process.stderr.write(script.stderr ?? "");
if (script.waitForSignal) {
  // Like the CLI: the first SIGINT starts a graceful stop; count how many arrive meanwhile.
  let n = 0;
  process.on("SIGINT", () => {
    if (n++ > 0) return;
    setTimeout(() => {
      const error = { code: "INTERRUPTED", message: "got " + n + " SIGINT" };
      process.stdout.write(JSON.stringify({ status: "error", error, warnings: [] }) + "\\n");
      process.exit(130);
    }, 200);
  });
  writeFileSync(process.env.FAKE_LOG + ".ready", "");
  setInterval(() => undefined, 1000);
} else {
  process.stdout.write(script.stdout);
  process.exitCode = script.code;
}
`;

export interface Scripted {
  code: number;
  waitForSignal?: boolean;
  stdout: string;
  stderr?: string;
}

export interface World {
  dir: string;
  env: Record<string, string>;
  log: string[];
  run(
    inputs: Record<string, string>,
    script: Record<string, Scripted>,
    fetchImpl?: typeof fetch,
  ): Promise<number>;
  calls(): { argv: string[]; state: string | null; cwd: string; inputs: string[] }[];
  outputs(): Record<string, string>;
  summary(): string;
}

/** A temp folder with a stand-in CLI, runner files, and runAction bound to them. */
export function world(): World {
  const dir = mkdtempSync(join(tmpdir(), "apiship-ci-run-"));
  dirs.push(dir);
  const bin = join(dir, "fake-cli.mjs");
  writeFileSync(bin, FAKE_CLI);
  const env = {
    PATH: process.env.PATH ?? "",
    GITHUB_ACTIONS: "true",
    GITHUB_OUTPUT: join(dir, "output"),
    GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
    GITHUB_WORKSPACE: dir,
    FAKE_LOG: join(dir, "calls.ndjson"),
  };
  const log: string[] = [];
  const stream = { write: (s: string) => log.push(s) };
  return {
    dir,
    env,
    log,
    run: (inputs, script, fetchImpl) =>
      runAction({
        env: { ...env, ...inputs, FAKE_SCRIPT: JSON.stringify(script) },
        cwd: dir,
        bin,
        stdout: stream,
        stderr: stream,
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      }),
    calls: () =>
      existsSync(env.FAKE_LOG)
        ? readFileSync(env.FAKE_LOG, "utf8")
            .trim()
            .split("\n")
            .map(
              (l) => JSON.parse(l) as { argv: string[]; state: string | null; cwd: string; inputs: string[] },
            )
        : [],
    outputs: () => parseOutputs(readFileSync(env.GITHUB_OUTPUT, "utf8")),
    summary: () => readFileSync(env.GITHUB_STEP_SUMMARY, "utf8"),
  };
}

export const ok = (result: unknown) => JSON.stringify({ status: "ok", result, warnings: [] }, null, 2);
