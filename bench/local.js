// `npm run bench -- local`: the development loop on this machine (issue 20). Times, through
// the built CLI, a first deploy of examples/hello-fn to local/process, an unchanged redeploy
// (no process touched), a redeploy after a code change (stop, start, health check), `status`
// and `destroy`, beside bare `node -e 0` and bare oclif from the same run, and prints ratios.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchEnv, median, printTable, timeCommand } from "./lib.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin/run.js");
const RUNS = 5;

function timed(args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: benchEnv({ CI: "true" }),
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`apiship ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export async function runLocalBench() {
  const node = timeCommand(process.execPath, ["-e", "0"]).median;
  const oclif = timeCommand(process.execPath, [join(ROOT, "bench/bare-oclif/bin/run.js"), "hello"]).median;
  const samples = { first: [], unchanged: [], changed: [], status: [], destroy: [] };
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), "apiship-bench-local-"));
    try {
      cpSync(join(ROOT, "examples/hello-fn"), dir, {
        recursive: true,
        filter: (s) => !s.includes(".apiship"),
      });
      const env = ["--env", "development"];
      samples.first.push(timed(["deploy", "--yes", ...env], dir));
      samples.unchanged.push(timed(["deploy", "--yes", ...env], dir));
      const src = join(dir, "src/index.mjs");
      writeFileSync(src, `${readFileSync(src, "utf8")}\n// change ${i}\n`);
      samples.changed.push(timed(["deploy", "--yes", ...env], dir));
      samples.status.push(timed(["status", ...env], dir));
      samples.destroy.push(timed(["destroy", "--confirm", "development", ...env], dir));
    } finally {
      spawnSync(process.execPath, [BIN, "destroy", "--confirm", "development", "--env", "development"], {
        cwd: dir,
      });
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const rows = Object.entries({
    "first deploy (build, start, health check)": samples.first,
    "unchanged redeploy (no process touched)": samples.unchanged,
    "redeploy after a code change": samples.changed,
    "status (pid identity + HTTP probe)": samples.status,
    destroy: samples.destroy,
  }).map(([what, xs]) => {
    const m = median(xs);
    return [what, `${m.toFixed(0)} ms`, `${(m / node).toFixed(1)}x`, `${(m / oclif).toFixed(1)}x`];
  });
  rows.push(["bare node -e 0", `${node.toFixed(0)} ms`, "1.0x", `${(node / oclif).toFixed(1)}x`]);
  rows.push(["bare oclif 4 command", `${oclif.toFixed(0)} ms`, `${(oclif / node).toFixed(1)}x`, "1.0x"]);
  printTable(
    `local/process: examples/hello-fn, median of ${RUNS} runs (NODE_EXTRA_CA_CERTS unset)`,
    ["step", "median", "vs node -e 0", "vs bare oclif"],
    rows,
  );
}
