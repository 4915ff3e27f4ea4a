// Start-up benchmark (issue 22 item 8): medians of the commands people and CI run most, beside
// plain node and a bare oclif 4 command measured in the same run. Goals are ratios to the bare
// oclif command, since absolute times depend on the machine and its load.
import { fileURLToPath } from "node:url";
import { printTable, timeCommand } from "./lib.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = `${root}bin/run.js`;
const bare = `${root}bench/bare-oclif/bin/run.js`;
const BARE = "bare oclif 4 command";
/** Goal: at most this many times the bare oclif command. */
const GOALS = { "apiship --version": 0.6, "apiship --help": 1.0, "apiship validate (sentiment-api)": 1.25 };

export function runStartup() {
  const cases = [
    ["node -e 0", process.execPath, ["-e", "0"]],
    [BARE, process.execPath, [bare, "hello"]],
    ["apiship --version", process.execPath, [bin, "--version"]],
    ["apiship --help", process.execPath, [bin, "--help"]],
    [
      "apiship validate (sentiment-api)",
      process.execPath,
      [bin, "validate", "-f", "examples/sentiment-api/apiship.yaml"],
    ],
  ];
  const times = new Map(cases.map(([name, cmd, args]) => [name, timeCommand(cmd, args, { cwd: root })]));
  const bareMs = times.get(BARE).median;
  const rows = cases.map(([name]) => {
    const t = times.get(name);
    const ratio = t.median / bareMs;
    const goal = GOALS[name];
    const verdict = goal === undefined ? "" : ratio <= goal ? `ok (≤ ${goal}×)` : `MISSED (goal ≤ ${goal}×)`;
    return [name, t.median.toFixed(1), t.min.toFixed(1), t.max.toFixed(1), `${ratio.toFixed(2)}×`, verdict];
  });
  printTable(
    "Start-up (ms, 15 runs after a warm-up, NODE_EXTRA_CA_CERTS unset; ratio to the bare oclif command of this run)",
    ["command", "median", "min", "max", "× bare oclif", "goal"],
    rows,
  );
}
