// The PURE planner of heroku/heroku: four resources in apply order. The app (a region or team
// change recreates it: Heroku cannot move an app), its config vars (env and secrets, secrets
// compared by keyed hash), the release (the image by id, or a source build by its tarball's
// hash) and the web formation (dyno size and count). Checks what Heroku cannot do as user errors
// here, before anything is created.

import { requireLocalSecrets, resourceChange } from "../_shared/plan.js";
import { asgiTarget, interfaceOf, portableEntry } from "../_shared/portable.js";
import type { PlanRequest, PlanResponse, ResourceChange } from "../../src/core/provider.js";
import { codeIdentity } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { diffAttributes } from "../../src/plan/diff.js";
import { chooseDyno, memoryOf, quantityFor } from "./dynos.js";
import type { DynoSize } from "./dynos.js";
import { herokuImageId } from "./image.js";
import { MANAGED_VAR } from "./state.js";
import type { HerokuState } from "./state.js";

export interface HerokuOptions {
  app?: string;
  region: "us" | "eu";
  stack: "container" | "heroku-24" | "heroku-22";
  dynoSize: DynoSize;
  team?: string;
  endpoint?: string;
}

export type HerokuPlanRequest = PlanRequest<HerokuOptions, HerokuState>;
type Attrs = Record<string, unknown>;

export const RESOURCES = ["app", "config", "release", "formation"] as const;
export type HerokuResource = (typeof RESOURCES)[number];

/** Config vars Heroku or apiship own: the manifest may not set them. */
const RESERVED = ["PORT", "DYNO", MANAGED_VAR];

const DEPENDS_ON: Record<HerokuResource, HerokuResource[]> = {
  app: [],
  config: ["app"],
  release: ["app", "config"],
  formation: ["release"],
};

export function appNameOf(req: Pick<HerokuPlanRequest, "name" | "target">): string {
  return req.target.options.app ?? req.name;
}

function userError(
  req: HerokuPlanRequest,
  message: string,
  hint: string,
  code = "UNSUPPORTED",
): ProviderError {
  return new ProviderError(message, { code, fault: "user", target: req.target.name, hint });
}

function check(req: HerokuPlanRequest): void {
  const { service: svc, target } = req;
  requireLocalSecrets(svc.secrets, "heroku/heroku");
  if (svc.access === "private")
    throw userError(
      req,
      "heroku/heroku apps are public",
      "Common Runtime apps always have a public herokuapp.com URL; use access: public (a Private Space with internal routing is not supported yet)",
    );
  for (const k of [...Object.keys(svc.env), ...Object.keys(svc.secrets)]) {
    if (RESERVED.includes(k))
      throw userError(
        req,
        `config var ${k} is set by ${k === MANAGED_VAR ? "apiship" : "Heroku"}`,
        `remove ${k} from service.env/secrets; the web process reads its port from $PORT`,
      );
  }
  if (svc.kind === "container") {
    if (target.options.stack !== "container")
      throw userError(
        req,
        `a container image runs on the container stack, not ${target.options.stack}`,
        "set `stack: container` on the target (the default)",
      );
    if (svc.container?.command !== undefined || svc.container?.args !== undefined)
      throw userError(
        req,
        "heroku/heroku runs the image's own CMD",
        "remove service.container.command/args and bake them into the image (Heroku's formation has no command for container releases)",
      );
  } else if (target.options.stack === "container") {
    throw userError(req, "a source build needs a buildpack stack", "set `stack: heroku-24` on the target");
  }
}

/** Secret name → keyed hash; an offline plan keeps what the app holds for a name it cannot hash. */
function secretHashes(req: HerokuPlanRequest): Record<string, string> {
  const seen = req.observed?.config.secrets ?? {};
  const out: Record<string, string> = {};
  for (const n of Object.keys(req.service.secrets).sort()) out[n] = req.secretHashes[n] ?? seen[n] ?? "";
  return out;
}

function releaseAttrs(req: HerokuPlanRequest, app: string): Attrs {
  if (req.service.kind === "container")
    return { image: herokuImageId(req.service.container?.image ?? "", app, req.target.name) };
  // An offline plan has no artifact: the source is what was last built.
  const source = req.artifact ? codeIdentity(req.artifact).slice(0, 12) : req.observed?.release?.source;
  return { source: source ?? "(built at deploy)" };
}

function formationAttrs(req: HerokuPlanRequest): Attrs {
  const quantity = quantityFor(req.service.scaling.min);
  const memory = req.service.resources.memory;
  const choice = chooseDyno(req.target.options.dynoSize, memory, quantity);
  if (!choice)
    throw userError(
      req,
      `no dyno size of ${req.target.options.dynoSize}'s family has ${memory} MiB`,
      `lower service.resources.memory, or pick a larger dynoSize (${req.target.options.dynoSize} has ${memoryOf(req.target.options.dynoSize)} MiB)`,
    );
  return { type: "web", quantity, size: choice.size };
}

/**
 * The config vars from `service.env`, plus what a portable function's entry reads
 * (providers/_shared/portable.ts): APISHIP_APP naming a Python app. A runtime without a portable
 * entry is a plan error here.
 */
export function envOf(req: Pick<HerokuPlanRequest, "service" | "target">): Record<string, string> {
  const fn = req.service.function;
  if (req.service.kind === "container" || !fn || interfaceOf(fn) === "native") return { ...req.service.env };
  const entry = portableEntry("heroku/web", fn, req.target.name);
  return entry.language === "python"
    ? { ...req.service.env, APISHIP_APP: asgiTarget(fn.handler) }
    : { ...req.service.env };
}

/** Desired attributes of each resource. */
export function desiredAttrs(req: HerokuPlanRequest): Record<HerokuResource, Attrs> {
  check(req);
  const o = req.target.options;
  const app = appNameOf(req);
  return {
    app: { name: app, region: o.region, stack: o.stack, team: o.team ?? null },
    config: { env: envOf(req), secrets: secretHashes(req) },
    release: releaseAttrs(req, app),
    formation: formationAttrs(req),
  };
}

/** Observed attributes of each resource, null where the app has none yet. */
export function observedAttrs(s: HerokuState | undefined): Record<HerokuResource, Attrs | null> {
  if (!s) return { app: null, config: null, release: null, formation: null };
  const rel = s.release;
  const release =
    rel?.image !== undefined
      ? { image: rel.image }
      : rel?.source !== undefined
        ? { source: rel.source }
        : null;
  return {
    app: { name: s.app, region: s.region, stack: s.stack, team: s.team },
    config: { env: s.config.env, secrets: s.config.secrets },
    release,
    formation: s.formation ? { type: "web", ...s.formation } : null,
  };
}

const FORCES: Record<HerokuResource, string[]> = {
  app: ["name", "region", "team"],
  config: [],
  release: [],
  formation: [],
};

function changeOf(
  kind: HerokuResource,
  app: string,
  before: Attrs | null,
  after: Attrs,
  appReplaced: boolean,
): ResourceChange {
  const diff = diffAttributes(before, after, {
    sensitive: kind === "config" ? ["secrets"] : [],
    forcesReplace: FORCES[kind],
  });
  const cascade = appReplaced && kind !== "app" && before !== null;
  return resourceChange(
    { type: kind, name: kind === "app" ? app : `${app}/${kind}`, before, after, dependsOn: DEPENDS_ON[kind] },
    diff,
    cascade ? "the app" : undefined,
  );
}

/** Recreating means deleting, and apiship deletes only apps it created. */
function adoptedReplace(req: HerokuPlanRequest, paths: string[]): ProviderError {
  const app = req.observed?.app ?? appNameOf(req);
  return userError(
    req,
    `changing ${paths.join(", ")} would recreate app ${app}, which apiship adopted rather than created`,
    `apiship does not delete an app it did not create: move or rename ${app} with the Heroku CLI, or point \`app:\` at a new app`,
    "ADOPTED_APP",
  );
}

/** PURE. */
export function planChanges(req: HerokuPlanRequest): PlanResponse {
  const desired = desiredAttrs(req);
  const observed = observedAttrs(req.observed);
  const app = appNameOf(req);
  const changes: ResourceChange[] = [];
  let appReplaced = false;
  for (const kind of RESOURCES) {
    const c = changeOf(kind, app, observed[kind], desired[kind], appReplaced);
    if (kind === "app") {
      appReplaced = c.action === "replace";
      if (appReplaced && req.observed?.created === false) throw adoptedReplace(req, c.replacePaths);
    }
    changes.push(c);
  }
  return { changes };
}
