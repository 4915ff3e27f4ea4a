// The CLI's entry in the action's bundle (action/dist/bin/run.js): what bin/run.js is to an
// installed apiship, for a folder with no node_modules. oclif finds its root (package.json,
// oclif.manifest.json, which scripts/bundle-action.js writes) one folder up, as bin/run.js does.
import module from "node:module";
import { execute, exitWhenFlushed } from "../cli/oclif.js";

// Node 22.1+ caches compiled code between runs; Node 20 has no such cache and skips this
// (@types/node 20 does not know the function).
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await execute({ dir: import.meta.url });
await exitWhenFlushed();
