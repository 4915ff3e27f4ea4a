// Access restrictions and function keys in the fake, as App Service enforces them.
//
// siteConfig.ipSecurityRestrictions / ipSecurityRestrictionsDefaultAction follow the
// IpSecurityRestriction definition and SiteConfig of the Microsoft.Web ARM schema in
// shared/api-specs/azure (Microsoft.Web.json, 2024-11-01): a body with a field or value that
// schema does not have is a 400, as ARM's validation answers. GET config/web shows the implicit
// last rule ("Allow all", or "Deny all" once the default action is Deny) that the portal shows.
// A function app whose HTTP trigger has the `function` auth level (APISHIP_AUTH_LEVEL) answers
// 401 without its key, in x-functions-key or ?code=.

import type { FakeRequest, FakeResponse } from "../_shared/server.js";
import { armError } from "./world.js";
import type { Dict, SiteRecord, SiteSlot } from "./world.js";

// IpSecurityRestriction's properties in Microsoft.Web.json.
const RULE_KEYS = new Set([
  "action",
  "description",
  "headers",
  "ipAddress",
  "name",
  "priority",
  "subnetMask",
  "subnetTrafficTag",
  "tag",
  "vnetSubnetResourceId",
  "vnetTrafficTag",
]);
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const IMPLICIT_PRIORITY = 2147483647;

/** A 400 for restrictions the schema (and ARM) would not take; undefined when they are fine. */
export function checkRestrictions(cfg: Dict | undefined): FakeResponse | undefined {
  if (!cfg) return undefined;
  const def = cfg.ipSecurityRestrictionsDefaultAction;
  if (def !== undefined && def !== "Allow" && def !== "Deny")
    return armError(
      400,
      "BadRequest",
      `ipSecurityRestrictionsDefaultAction must be Allow or Deny, not ${String(def)}`,
    );
  const rules = cfg.ipSecurityRestrictions;
  if (rules === undefined || rules === null) return undefined;
  if (!Array.isArray(rules)) return armError(400, "BadRequest", "ipSecurityRestrictions must be an array");
  for (const r of rules as Dict[]) {
    const extra = Object.keys(r).filter((k) => !RULE_KEYS.has(k));
    if (extra.length > 0)
      return armError(400, "BadRequest", `IpSecurityRestriction has no property ${extra.join(", ")}`);
    if (r.action !== "Allow" && r.action !== "Deny")
      return armError(400, "BadRequest", "IpSecurityRestriction.action must be Allow or Deny");
    if (r.priority !== undefined && !Number.isInteger(r.priority))
      return armError(400, "BadRequest", "IpSecurityRestriction.priority must be an integer");
    if (r.tag !== undefined && !["Default", "XffProxy", "ServiceTag"].includes(String(r.tag)))
      return armError(400, "BadRequest", "IpSecurityRestriction.tag must be Default, XffProxy or ServiceTag");
    const ip = typeof r.ipAddress === "string" ? CIDR.exec(r.ipAddress) : null;
    if (!ip && r.ipAddress !== "Any" && r.vnetSubnetResourceId === undefined)
      return armError(400, "BadRequest", `'${String(r.ipAddress)}' is not a valid IPv4 address or CIDR`);
    if (ip?.[5] !== undefined && r.subnetMask !== undefined)
      return armError(400, "BadRequest", "For CIDR notation the SubnetMask property must not be specified");
  }
  return undefined;
}

/** The rules as GET config/web lists them: the written ones, then the implicit last rule. */
export function restrictionsView(cfg: Dict): Dict {
  const deny = cfg.ipSecurityRestrictionsDefaultAction === "Deny";
  const written = Array.isArray(cfg.ipSecurityRestrictions)
    ? (cfg.ipSecurityRestrictions as Dict[]).filter((r) => r.priority !== IMPLICIT_PRIORITY)
    : [];
  return {
    ipSecurityRestrictions: [
      ...written,
      {
        ipAddress: "Any",
        action: deny ? "Deny" : "Allow",
        priority: IMPLICIT_PRIORITY,
        name: deny ? "Deny all" : "Allow all",
        description: deny ? "Deny all access" : "Allow all access",
      },
    ],
    ipSecurityRestrictionsDefaultAction: deny ? "Deny" : "Allow",
  };
}

function inCidr(ip: string, cidr: string): boolean {
  const a = CIDR.exec(ip);
  const b = CIDR.exec(cidr);
  if (!a || !b) return false;
  const num = (m: RegExpExecArray) => ((+m[1]! << 24) | (+m[2]! << 16) | (+m[3]! << 8) | +m[4]!) >>> 0;
  const bits = b[5] === undefined ? 32 : +b[5];
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (num(a) & mask) === (num(b) & mask);
}

// Every caller of the fake is on this machine.
const CALLER = "127.0.0.1";

/** 403 as App Service answers a caller the access restrictions leave out; else undefined. */
export function restricted(s: SiteSlot): FakeResponse | undefined {
  const cfg = s.config;
  const rules = (Array.isArray(cfg.ipSecurityRestrictions) ? (cfg.ipSecurityRestrictions as Dict[]) : [])
    .filter((r) => r.priority !== IMPLICIT_PRIORITY)
    .sort((x, y) => Number(x.priority ?? 0) - Number(y.priority ?? 0));
  const hit = rules.find((r) => typeof r.ipAddress === "string" && inCidr(CALLER, r.ipAddress));
  const action = hit ? hit.action : (cfg.ipSecurityRestrictionsDefaultAction ?? "Allow");
  return action === "Deny"
    ? {
        status: 403,
        body: "Error 403 - Forbidden: The web app you have attempted to reach has blocked your access.",
      }
    : undefined;
}

/** The function app's default function key, made once per app as the host makes it. */
export function functionKey(site: SiteRecord): string {
  site.functionKey ??= `fk-${site.name}-${Math.random().toString(36).slice(2, 14)}`;
  return site.functionKey;
}

/** 401 for a call to a `function`-level trigger without the key. */
export function keyMissing(site: SiteRecord, req: FakeRequest): FakeResponse | undefined {
  if (site.settings.APISHIP_AUTH_LEVEL !== "function") return undefined;
  const given = req.headers["x-functions-key"] ?? req.query.get("code");
  return given === functionKey(site) ? undefined : { status: 401, body: "" };
}

/** POST .../host/default/listkeys (WebApps_ListHostKeys). */
export function hostKeys(site: SiteRecord): FakeResponse {
  return {
    status: 200,
    body: { masterKey: `mk-${site.name}`, functionKeys: { default: functionKey(site) }, systemKeys: {} },
  };
}
