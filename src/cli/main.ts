// The entry of the bundled CLI (dist/apiship.js): the command table oclif loads when a
// command runs (oclif's "explicit" discovery). bin/run.js starts oclif from dist/oclif.js, so
// `--help` loads oclif alone, and zod, yaml and the commands only when a command runs.
export { COMMANDS } from "./commands/index.js";
