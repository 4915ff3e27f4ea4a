// Entry point of the GitHub Action (action.yml runs `node dist/src/ci/action.js`): the logic is
// in run.ts, where tests drive it; this file only binds it to the process.

import { fileURLToPath } from "node:url";
import { runAction } from "./run.js";

// dist/src/ci/action.js → the checkout's bin/run.js, the same CLI a user installs.
const bin = fileURLToPath(new URL("../../../bin/run.js", import.meta.url));

process.exitCode = await runAction({
  env: process.env,
  cwd: process.cwd(),
  bin,
  stdout: process.stdout,
  stderr: process.stderr,
});
