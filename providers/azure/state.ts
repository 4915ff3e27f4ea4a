// What apiship records of an Azure target's shared pieces (plain JSON, never a secret value),
// their names and tags. Used by the pure planners and the I/O modules of App Service and
// Functions alike.

import { createHash } from "node:crypto";
import type { NameRule } from "../../src/core/provider.js";
import { physicalName, shortHash } from "../../src/manifest/names.js";

export const TAG_STACK = "apiship:stack";
export const TAG_TARGET = "apiship:target";
/** On a resource group apiship created, so destroy removes only a group apiship made. */
export const TAG_MANAGED = "apiship:managed";
export const KNOWN_AFTER_APPLY = "(known after apply)";

export interface GroupState {
  name: string;
  location: string;
  /** apiship created the group for this target (and so may delete it). */
  managed: boolean;
  tags: Record<string, string>;
}

export interface FarmState {
  name: string;
  id: string;
  location: string;
  resourceGroup: string;
  sku: string;
  /** Instances of the plan (sku.capacity). */
  capacity: number;
  tags: Record<string, string>;
}

export function ownerTags(stackId: string, target: string): Record<string, string> {
  return { [TAG_STACK]: stackId, [TAG_TARGET]: target };
}

export function isOwnedBy(
  tags: Record<string, string> | undefined,
  stackId: string,
  target: string,
): boolean {
  return tags?.[TAG_STACK] === stackId && tags[TAG_TARGET] === target;
}

const FARM_RULE: NameRule = {
  resource: "App Service plan",
  maxLength: 60,
  lowercase: true,
  extraChars: "-",
  startsWithLetter: true,
};

export function farmNameFor(site: string): string {
  return physicalName(FARM_RULE, [site, "plan"]);
}

/**
 * Storage account names are global, 3-24 lowercase letters and digits: the site name squeezed
 * to 16, then 8 characters of a hash of the subscription and site, so the same target always
 * gets the same account and two subscriptions never collide on it.
 */
export function storageAccountNameFor(subscription: string, site: string): string {
  const head =
    site
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "")
      .slice(0, 16) || "apiship";
  return `${head}${shortHash(`${subscription}/${site}`, 8)}`.slice(0, 24);
}

/** Short fingerprint of a release's inputs (image or code, settings), for `release`. */
export function releaseId(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 12);
}

/** ARM ids: /subscriptions/S/resourceGroups/G/providers/Microsoft.Web/serverfarms/N. */
export function farmId(subscription: string, group: string, name: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.Web/serverfarms/${name}`;
}

export function lastSegment(id: string | undefined): string {
  return (id ?? "").slice((id ?? "").lastIndexOf("/") + 1);
}
