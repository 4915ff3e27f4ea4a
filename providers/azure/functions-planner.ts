// The PURE planner of azure/functions: a Flex Consumption (FC1) function app with its plan, the
// storage account and deployment container it needs, in a resource group; and the
// attribute-level changes from what read() observed to that. No I/O here.

import type { PlanRequest, PlanResponse } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { asgiTarget, interfaceOf, portableEntry } from "../_shared/portable.js";
import { planChain } from "./plan-chain.js";
import { physicalName } from "../../src/manifest/names.js";
import { endpointOf } from "./app-service-planner.js";
import type { FunctionsOptions } from "./functions.js";
import { runtimeId } from "./functions.js";
import type { FunctionAppAttrs, FunctionsState } from "./functions-state.js";
import { desiredSecretHashes, splitSecrets } from "./settings.js";
import { KNOWN_AFTER_APPLY, TAG_MANAGED, farmNameFor, ownerTags, storageAccountNameFor } from "./state.js";

export type FunctionsPlanRequest = PlanRequest<FunctionsOptions, FunctionsState>;
type Attrs = Record<string, unknown>;

export const RESOURCE_TYPES = ["resource-group", "storage", "container", "plan", "app"] as const;
export type FunctionsResource = (typeof RESOURCE_TYPES)[number];
export const FORCES_REPLACE = ["resourceGroup", "location", "storageAccount"];

const DEPENDS_ON: Record<FunctionsResource, FunctionsResource[]> = {
  "resource-group": [],
  storage: ["resource-group"],
  container: ["storage"],
  plan: ["resource-group"],
  app: ["plan", "container"],
};

/** Flex instance sizes, MB. */
const FLEX_MEMORY = [512, 2048, 4096];

export function instanceMemory(mib: number): number {
  return FLEX_MEMORY.find((m) => m >= mib) ?? 4096;
}

export function storageNameOf(req: Pick<FunctionsPlanRequest, "target" | "name">): string {
  const o = req.target.options;
  return o.storageAccount ?? storageAccountNameFor(o.subscription, req.name);
}

export function containerNameFor(site: string): string {
  return physicalName(
    { resource: "blob container", maxLength: 63, lowercase: true, extraChars: "-", startsWithLetter: true },
    ["app-package", site],
  );
}

function check(req: FunctionsPlanRequest): void {
  const o = req.target.options;
  if (o.plan !== "flex-consumption") {
    throw new ProviderError(`plan: ${o.plan} is not deployable by azure/functions in this version`, {
      code: "UNSUPPORTED",
      fault: "user",
      target: req.target.name,
      hint: "use `plan: flex-consumption` (the default) on this target",
    });
  }
  if (!req.service.function) {
    throw new ProviderError("azure/functions deploys functions; the service has no `function`", {
      code: "CONFIG",
      fault: "user",
      target: req.target.name,
      hint: "use `service.function: { runtime, handler, source }` for an Azure Functions target",
    });
  }
  // Private is the HTTP trigger's `function` auth level, which apiship sets only in the portable
  // entry it generates (APISHIP_AUTH_LEVEL); a native package's own function.json decides its
  // auth level, so apiship cannot promise it.
  if (req.service.access === "private" && interfaceOf(req.service.function) === "native") {
    throw new ProviderError(
      "access: private on azure/functions needs the portable entry: a native package sets its own authLevel",
      {
        code: "UNSUPPORTED",
        fault: "user",
        target: req.target.name,
        hint: 'use function.interface: portable (apiship sets the trigger\'s authLevel to "function"), or access: public and set authLevel in your function.json',
      },
    );
  }
}

function codeShaOf(req: FunctionsPlanRequest): string {
  if (req.artifact) return req.artifact.sha256;
  // Without a build (offline plan) the code is taken as unchanged.
  return req.observed?.app?.codeSha256 ?? KNOWN_AFTER_APPLY;
}

/**
 * The settings a portable function's entry reads (providers/_shared/portable.ts): the auth level
 * of its HTTP function `apiship` (route `{*path}`), `function` (a key) for private access, else
 * `anonymous`; and for Python the app (APISHIP_APP) that function_app.py serves. None for a
 * native function, whose package is its own entry.
 */
export function entryEnv(req: Pick<FunctionsPlanRequest, "service" | "target">): Record<string, string> {
  const fn = req.service.function;
  if (!fn || interfaceOf(fn) === "native") return {};
  const entry = portableEntry("azure/functions", fn, req.target.name);
  return {
    APISHIP_AUTH_LEVEL: req.service.access === "private" ? "function" : "anonymous",
    ...(entry.language === "python" ? { APISHIP_APP: asgiTarget(fn.handler) } : {}),
  };
}

export function desiredApp(req: FunctionsPlanRequest): FunctionAppAttrs {
  const o = req.target.options;
  const svc = req.service;
  const { local, keyVault } = splitSecrets(svc.secrets, endpointOf(o), "azure/functions");
  return {
    resourceGroup: o.resourceGroup,
    location: o.location,
    plan: farmNameFor(req.name),
    storageAccount: storageNameOf(req),
    container: containerNameFor(req.name),
    runtime: svc.function ? runtimeId(svc.function.runtime) : "",
    instanceMemoryMB: instanceMemory(svc.resources.memory),
    maximumInstanceCount: Math.min(1000, Math.max(1, svc.scaling.max)),
    alwaysReady: Math.max(o.alwaysReady, svc.scaling.min),
    httpsOnly: true,
    env: { ...svc.env, ...entryEnv(req) },
    secrets: desiredSecretHashes(local, req.secretHashes, req.observed?.app?.secrets),
    keyVault,
    identity: Object.keys(keyVault).length > 0,
    codeSha256: codeShaOf(req),
    tags: ownerTags(req.stack.id, req.target.name),
  };
}

function desiredAttrs(req: FunctionsPlanRequest): Record<FunctionsResource, Attrs | null> {
  const o = req.target.options;
  const tags = ownerTags(req.stack.id, req.target.name);
  const g = req.observed?.group;
  return {
    "resource-group":
      g && !g.managed && g.name === o.resourceGroup
        ? null
        : { name: o.resourceGroup, tags: { ...tags, [TAG_MANAGED]: "true" } },
    storage: o.storageAccount
      ? null
      : { name: storageNameOf(req), resourceGroup: o.resourceGroup, location: o.location, tags },
    container: { name: containerNameFor(req.name), storageAccount: storageNameOf(req) },
    plan: { resourceGroup: o.resourceGroup, location: o.location, sku: "FC1", tags },
    app: desiredApp(req) as unknown as Attrs,
  };
}

function observedAttrs(s: FunctionsState | undefined): Record<FunctionsResource, Attrs | null> {
  const app = s?.app;
  return {
    "resource-group": s?.group?.managed ? { name: s.group.name, tags: s.group.tags } : null,
    storage: s?.storage?.managed
      ? {
          name: s.storage.name,
          resourceGroup: s.resourceGroup,
          location: s.app?.location ?? s.plan?.location ?? "",
          tags: s.storage.tags,
        }
      : null,
    container: s?.container && s.storage ? { name: s.container, storageAccount: s.storage.name } : null,
    plan: s?.plan
      ? { resourceGroup: s.plan.resourceGroup, location: s.plan.location, sku: s.plan.sku, tags: s.plan.tags }
      : null,
    app: app
      ? Object.fromEntries(
          Object.entries(app).filter(([k]) => !["id", "hostName", "scmHost", "state"].includes(k)),
        )
      : null,
  };
}

function physical(req: FunctionsPlanRequest, type: FunctionsResource): string {
  if (type === "resource-group") return req.target.options.resourceGroup;
  if (type === "storage") return storageNameOf(req);
  if (type === "container") return `${storageNameOf(req)}/${containerNameFor(req.name)}`;
  if (type === "plan") return farmNameFor(req.name);
  return req.name;
}

/** PURE. Changes in dependency order; resources neither present nor wanted are left out. */
export function planFunctions(req: FunctionsPlanRequest): PlanResponse {
  check(req);
  return planChain({
    types: RESOURCE_TYPES,
    before: observedAttrs(req.observed),
    after: desiredAttrs(req),
    dependsOn: DEPENDS_ON,
    secretsOn: "app",
    forcesReplace: (type) =>
      type === "resource-group" || type === "container" ? ["name"] : [...FORCES_REPLACE, "name"],
    physical: (type) => physical(req, type),
    // A new deployment container drags nothing: the app only points at it.
    cascadeLabel: (type) => (type === "container" ? undefined : `the ${type}`),
  });
}
