// The local platform's supervisor: runs one command, stamps each line it prints with the time
// and the stream, and appends the lines to the target's log file, which `apiship logs` reads
// (`--since` needs the times; the app's own output has none). It is the process apiship records
// and signals: SIGTERM and SIGINT are passed on to the command, and it exits with the command.
// Usage: node supervise.mjs <log file> <command> [args...]
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createInterface } from "node:readline";

const [log, command, ...args] = process.argv.slice(2);
if (!log || !command) {
  process.stderr.write("usage: supervise.mjs <log file> <command> [args...]\n");
  process.exit(2);
}

const out = createWriteStream(log, { flags: "a", mode: 0o600 });
const write = (stream, line) => out.write(`${new Date().toISOString()} ${stream} ${line}\n`);

const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
for (const [stream, pipe] of [
  ["out", child.stdout],
  ["err", child.stderr],
]) {
  createInterface({ input: pipe, crlfDelay: Infinity }).on("line", (line) => write(stream, line));
}

for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => child.kill(signal));

let done = false;
const finish = (code, what) => {
  if (done) return;
  done = true;
  write("sys", `apiship: ${what}`);
  out.end(() => process.exit(code));
};
child.on("error", (e) => finish(127, `cannot start ${command}: ${e.message}`));
// "close", not "exit": the last lines may still be in the pipes when the process exits.
child.on("close", (code, signal) =>
  finish(code ?? 1, signal ? `process stopped by ${signal}` : `process exited with code ${code}`),
);
