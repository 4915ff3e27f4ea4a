// Start-up benchmark (issue: foundation): medians of the commands people and CI run most,
// beside a bare oclif 4 command and plain node for scale.
import { fileURLToPath } from "node:url";
import { printTable, timeCommand } from "./lib.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = `${root}bin/run.js`;
const bare = `${root}bench/bare-oclif/bin/run.js`;
const GOALS = { "apiship --version": 150, "apiship --help": 150, "apiship validate (sentiment-api)": 250 };

export function runStartup() {
  const cases = [
    ["node -e 0", process.execPath, ["-e", "0"]],
    ["bare oclif 4 command", process.execPath, [bare, "hello"]],
    ["apiship --version", process.execPath, [bin, "--version"]],
    ["apiship --help", process.execPath, [bin, "--help"]],
    [
      "apiship validate (sentiment-api)",
      process.execPath,
      [bin, "validate", "-f", "examples/sentiment-api/apiship.yaml"],
    ],
  ];
  const rows = cases.map(([name, cmd, args]) => {
    const t = timeCommand(cmd, args, { cwd: root });
    const goal = GOALS[name];
    const verdict = goal === undefined ? "" : t.median <= goal ? `ok (< ${goal})` : `MISSED (goal ${goal})`;
    return [name, t.median.toFixed(1), t.min.toFixed(1), t.max.toFixed(1), verdict];
  });
  printTable(
    "Start-up (ms, 15 runs after a warm-up, NODE_EXTRA_CA_CERTS unset)",
    ["command", "median", "min", "max", "goal"],
    rows,
  );
}
