// DigitalOcean App Platform: one app whose spec holds a service from a container image, or
// built by App Platform from git (a `function` service whose function.source is committed to
// the repository the target's `git` names; see app-source.ts). The app's own rollback returns
// to a previous deployment (DESIGN.md §7).

import { appLogs } from "./app-logs.js";
import { defineTarget } from "../../src/core/provider.js";
import { pathSegment, text, viaEndpoint } from "../_shared/console.js";
import { applyApp, destroyApp, readApp, rollbackApp, statusApp } from "./app-apply.js";
import { planApp } from "./app-plan.js";
import { sourceArtifact } from "./app-source.js";
import type { AppState } from "./app-plan.js";
import type { AppOptions } from "./app-spec.js";
import { createDoClients } from "./clients.js";
import type { DoClients } from "./clients.js";
import { reachApps, whoamiDo } from "./whoami.js";
import { appPlatformInfo } from "./app-platform-info.js";

export const appPlatform = defineTarget<AppOptions, AppState, DoClients>({
  ...appPlatformInfo,
  createClients: createDoClients,
  whoami: whoamiDo(reachApps),
  build: (ctx, svc) => sourceArtifact(ctx.stack.baseDir, svc),
  read: readApp,
  plan: planApp,
  apply: applyApp,
  destroy: destroyApp,
  status: statusApp,
  rollback: rollbackApp,
  logs: appLogs,
  // The app's Runtime Logs page; before the app has an id, the Apps list.
  consoleUrl: (target, state) => {
    if (viaEndpoint(target.options)) return undefined;
    const id = text(state?.appId);
    return id
      ? `https://cloud.digitalocean.com/apps/${pathSegment(id)}/logs`
      : "https://cloud.digitalocean.com/apps";
  },
});
