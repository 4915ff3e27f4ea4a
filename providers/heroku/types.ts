// Typed request and response shapes of the Heroku Platform API calls the adapter makes, written
// from the official JSON schema (../shared/api-specs/heroku/schema.json; test/fakes/heroku keeps
// the subset the fake validates against). Only the fields apiship reads or sends are typed;
// `Partial` where the schema marks nothing required. Data only: no I/O here.

/** `#/definitions/app`: GET/POST/PATCH /apps. */
export interface App {
  id: string;
  /** ^[a-z][a-z0-9-]{1,28}[a-z0-9]$ */
  name: string;
  region: { id: string; name: string };
  stack: { id: string; name: string };
  /** The stack the next build uses: what PATCH build_stack changes at once. */
  build_stack: { id: string; name: string };
  team: { id: string; name: string } | null;
  owner: { id: string; email: string };
  maintenance: boolean;
  /** https://<app>-<hash>.herokuapp.com/ ; null while the app has no router. */
  web_url: string | null;
  released_at: string | null;
  created_at: string;
  updated_at: string;
  generation?: { id: string; name: string };
}

/** POST /apps (the schema's app Create link). */
export interface AppCreate {
  name?: string;
  region?: string;
  stack?: string;
  feature_flags?: string[];
}

/** POST /teams/apps (team-app Create): the app belongs to `team`. */
export interface TeamAppCreate {
  name?: string;
  team?: string;
  region?: string;
  stack?: string;
  personal?: boolean | null;
  locked?: boolean;
}

/** PATCH /apps/{app} (app Update). */
export interface AppUpdate {
  build_stack?: string;
  maintenance?: boolean;
  name?: string;
}

/** `#/definitions/config-var/definitions/config_vars`; PATCH sets a key to null to delete it. */
export type ConfigVars = Record<string, string>;
export type ConfigVarsUpdate = Record<string, string | null>;

/** `#/definitions/formation`: GET /apps/{app}/formation (a list), PATCH batch update. */
export interface Formation {
  id: string;
  app: { id: string; name: string };
  /** Process type: "web". */
  type: string;
  quantity: number;
  /** Deprecated spelling of dyno_size.name ("Standard-1X"). */
  size: string;
  dyno_size: { id: string; name: string };
  command: string;
  created_at: string;
  updated_at: string;
}

/**
 * `#/definitions/formation/definitions/update`. `docker_image` is not in the published schema
 * (which closes the object with additionalProperties: false): it is the image release of the
 * API's docker-releases variant, sent with `Accept: application/vnd.heroku+json;
 * version=3.docker-releases` (Heroku Dev Center; the CLI's `container:release`). The fake takes
 * it under that Accept only (test/fakes/heroku/validate.ts).
 */
export interface FormationUpdate {
  type: string;
  quantity?: number;
  /** `#/definitions/formation/definitions/dyno_size`: an object naming the size by id or name. */
  dyno_size?: { id?: string; name?: string };
  /** The image id (sha256:<hex>) pushed to registry.heroku.com/<app>/<type>. */
  docker_image?: string;
}

export interface FormationBatchUpdate {
  updates: FormationUpdate[];
}

/** `#/definitions/release`: GET /apps/{app}/releases, POST (create, rollback). */
export interface Release {
  id: string;
  version: number;
  status: "failed" | "pending" | "succeeded" | "expired";
  description: string;
  current: boolean;
  eligible_for_rollback?: boolean;
  slug: { id: string } | null;
  app: { id: string; name: string };
  user: { id: string; email: string };
  output_stream_url: string | null;
  created_at: string;
  updated_at: string;
}

/** POST /apps/{app}/releases (release Rollback). */
export interface ReleaseRollback {
  /** Id (uuid) of the release to roll back to. */
  release: string;
}

/** `#/definitions/source`: POST /sources. */
export interface Source {
  source_blob: { get_url: string; put_url: string };
}

/** POST /apps/{app}/builds (build Create). */
export interface BuildCreate {
  source_blob: { url: string; checksum?: string | null; version?: string | null };
  buildpacks?: { url: string }[] | null;
}

/** `#/definitions/build`. */
export interface Build {
  id: string;
  status: "failed" | "pending" | "succeeded";
  source_blob: { url: string; checksum: string | null; version: string | null };
  output_stream_url: string;
  release: { id: string } | null;
  slug: { id: string } | null;
  app: { id: string };
  user: { id: string; email: string };
  created_at: string;
  updated_at: string;
}

/** `#/definitions/dyno`: GET /apps/{app}/dynos. */
export interface Dyno {
  id: string;
  name: string;
  type: string;
  /** crashed, down, idle, starting or up. */
  state: string;
  size: string;
  release: { id: string; version: number };
  created_at: string;
  updated_at: string;
}

/** Every error body of the Platform API: {"id": "not_found", "message": "..."}. */
export interface HerokuErrorBody {
  id: string;
  message: string;
  url?: string;
}

/** `#/definitions/account`: GET /account (the fields `apiship doctor` reads). */
export interface Account {
  id: string;
  email: string;
  name: string | null;
  suspended_at: string | null;
  delinquent_at: string | null;
  default_team: { id: string; name: string } | null;
}

/** `#/definitions/region`: GET /regions/{region}. */
export interface Region {
  id: string;
  name: string;
  description: string;
  country: string;
  locale: string;
  provider: { name: string; region: string };
}

/** `#/definitions/log-session`: POST /apps/{app}/log-sessions. */
export interface LogSessionCreate {
  /** Lines of history to send (Heroku keeps the last 1500). */
  lines?: number;
  /** Keep the stream open for new lines. */
  tail?: boolean;
  /** Only this source: "app" or "heroku". */
  source?: string;
  dyno_name?: string;
}

export interface LogSession {
  id: string;
  /** Where the lines are read: its query string is the credential, no API key is sent. */
  logplex_url: string;
  created_at: string;
  updated_at: string;
}
