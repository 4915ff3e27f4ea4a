// What apiship records for an azure/app-service target (plain JSON, never a secret value).

import type { FarmState, GroupState } from "./state.js";

export const STAGING = "staging";

/** The site's attributes as planned and compared. */
export interface SiteAttrs {
  resourceGroup: string;
  location: string;
  /** Name of the App Service plan. */
  plan: string;
  httpsOnly: boolean;
  /** Access restrictions: the only CIDR blocks allowed in (default Deny); empty means open. */
  allowedIps: string[];
  alwaysOn: boolean;
  healthCheckPath: string;
  /** `DOCKER|<image>`'s image. */
  image: string;
  port: number;
  env: Record<string, string>;
  /** Secret name → keyed hash of the value in the app settings; never the value. */
  secrets: Record<string, string>;
  /** Secret name → Key Vault SecretUri the app setting refers to (`@Microsoft.KeyVault(...)`). */
  keyVault: Record<string, string>;
  /** A system-assigned identity, which Key Vault references need. */
  identity: boolean;
  tags: Record<string, string>;
}

export interface SiteState extends SiteAttrs {
  id: string;
  /** defaultHostName: <name>.azurewebsites.net. */
  hostName: string;
  state?: string;
}

/** The staging slot: after a swap it holds the release production ran before. */
export interface SlotState {
  name: string;
  hostName: string;
  image: string;
  release: string;
}

export interface AppServiceState {
  /** Site name (the target's physical base name). */
  name: string;
  subscription: string;
  resourceGroup: string;
  group?: GroupState;
  plan?: FarmState;
  site?: SiteState;
  slot?: SlotState;
  /** Fingerprint of production's image and settings. */
  release?: string;
}

/** The parts of a site that make a release: what a slot swap moves. */
export function releaseParts(a: Pick<SiteAttrs, "image" | "port" | "env" | "secrets" | "keyVault">) {
  return { image: a.image, port: a.port, env: a.env, secrets: a.secrets, keyVault: a.keyVault };
}
