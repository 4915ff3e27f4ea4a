#!/usr/bin/env node
// The apiship entry point. `--version` is answered before oclif loads: it is what scripts
// and CI call most, and it needs nothing but package.json. Everything else runs the bundled
// CLI (dist/oclif.js, then dist/apiship.js for a command; built by `npm run build`).
import { readFileSync } from "node:fs";
import module from "node:module";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v" || argv[0] === "version")) {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(
    `apiship/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`,
  );
} else {
  // Node 22.1+ caches compiled code between runs; Node 20 has no such cache and skips this.
  module.enableCompileCache?.();
  const { execute, exitWhenFlushed } = await import("../dist/oclif.js");
  await execute({ dir: import.meta.url });
  await exitWhenFlushed();
}
