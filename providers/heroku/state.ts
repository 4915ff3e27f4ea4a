// What the state records for a heroku/heroku target: plain JSON, never a secret value (secret
// config vars are kept as the keyed hashes the plan compares).

export interface HerokuReleaseState {
  /** Release id (uuid): what a native rollback posts. */
  id: string;
  version: number;
  status: string;
  description: string;
  /** The image id (sha256:<hex>) the release runs; a 12-hex prefix when only Heroku's description told. */
  image?: string;
  /** source_blob.version of the build the release runs (source builds). */
  source?: string;
}

export interface HerokuState {
  /** The app's name: also its herokuapp.com host and its registry path. */
  app: string;
  appId?: string;
  region: string;
  /** build_stack: what the next release runs on. */
  stack: string;
  team: string | null;
  /** apiship created the app, so destroy deletes it; an adopted app is only emptied. */
  created: boolean;
  webUrl?: string;
  /** Config vars apiship manages: env values, and secret name → keyed hash. */
  config: { env: Record<string, string>; secrets: Record<string, string> };
  release?: HerokuReleaseState;
  /** The web process type; absent before the first release. */
  formation?: { quantity: number; size: string };
}

/** Config var that marks an app as apiship's and lists what apiship manages in it. */
export const MANAGED_VAR = "APISHIP_MANAGED";

export interface ManagedMarker {
  /** "<stack id> <target>": whose app it is. */
  owner: string;
  created: boolean;
  env: string[];
  secrets: Record<string, string>;
}

export function ownerOf(stackId: string, target: string): string {
  return `${stackId} ${target}`;
}

export function parseMarker(raw: string | undefined): ManagedMarker | undefined {
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<ManagedMarker>;
    if (typeof v.owner !== "string") return undefined;
    return {
      owner: v.owner,
      created: v.created === true,
      env: Array.isArray(v.env) ? v.env.filter((k): k is string => typeof k === "string") : [],
      secrets: typeof v.secrets === "object" && v.secrets !== null ? v.secrets : {},
    };
  } catch {
    return undefined;
  }
}
