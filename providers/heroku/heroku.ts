// Heroku: an app whose web process runs the container image (container stack), or a source
// build of `function.source` by Heroku's buildpacks (a buildpack stack; the source's Procfile
// names the web process); every deploy is a release, and a rollback is Heroku's release
// rollback (DESIGN.md §7).
// Behaviour: clients.ts (fetch client, credentials), plan.ts (pure), read.ts, apply.ts.
// Nothing here loads the HTTP client: clients.ts imports it inside createClients.

import { defineTarget } from "../../src/core/provider.js";
import { pathSegment, text, viaEndpoint } from "../_shared/console.js";
import { mapRuntime } from "../_shared/options.js";
import { apply, destroy, rollback } from "./apply.js";
import { createHerokuClients } from "./clients.js";
import type { HerokuClients } from "./clients.js";
import type { HerokuOptions } from "./plan.js";
import { planChanges } from "./plan.js";
import { read, status } from "./read.js";
import { buildTarball } from "./source.js";
import type { HerokuState } from "./state.js";
import { whoamiHeroku } from "./whoami.js";
import { herokuLogs } from "./logs.js";
import { herokuInfo, HEROKU_RUNTIMES } from "./heroku-info.js";
export { HEROKU_RUNTIMES } from "./heroku-info.js";

export const heroku = defineTarget<HerokuOptions, HerokuState, HerokuClients>({
  ...herokuInfo,
  createClients: createHerokuClients,
  whoami: whoamiHeroku,
  build: buildTarball,
  read,
  plan: planChanges,
  apply,
  destroy,
  status,
  rollback,
  logs: herokuLogs,
  // The app's dashboard Logs page (the live log tail).
  consoleUrl: (target, state, name) => {
    if (viaEndpoint(target.options)) return undefined;
    const app = text(state?.app) ?? text(target.options.app) ?? name;
    return `https://dashboard.heroku.com/apps/${pathSegment(app)}/logs`;
  },
});

/** The buildpack a runtime is built by: nodejs22 → "heroku/nodejs". */
export function runtimeId(neutral: string): string {
  return mapRuntime(heroku.id, HEROKU_RUNTIMES, neutral, (r) => `heroku/${r.language}`);
}
