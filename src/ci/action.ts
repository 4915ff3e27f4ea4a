// Entry point of the GitHub Action: action.yml runs its bundle, action/dist/index.js, whose CLI is
// bin/run.js beside it (scripts/bundle-action.js). Compiled by tsc (dist/src/ci/action.js, which
// the e2e tests run) it drives the checkout's bin/run.js instead. The logic is in run.ts, where
// tests drive it; this file only binds it to the process.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runAction, versionOf } from "./run.js";

const bundled = fileURLToPath(new URL("./bin/run.js", import.meta.url));
const bin = existsSync(bundled) ? bundled : fileURLToPath(new URL("../../../bin/run.js", import.meta.url));
const version = versionOf(bin);

process.exitCode = await runAction({
  env: process.env,
  cwd: process.cwd(),
  bin,
  ...(version ? { version } : {}),
  stdout: process.stdout,
  stderr: process.stderr,
});
