// The ONLY place the Heroku client is built (DESIGN.md §9.3). There is no SDK: a small typed
// client on fetch (api.ts, transport.ts), imported lazily here so loading the provider loads
// neither. Credentials follow the Heroku CLI: HEROKU_API_KEY, else the password of
// `machine api.heroku.com` in ~/.netrc (what `heroku login` writes; $NETRC overrides the path).
// The endpoint is the target's `endpoint` option, else https://api.heroku.com.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ProviderConfig } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { callPolicy } from "../_shared/call-retry.js";
import type { HerokuApi } from "./api.js";

export const DEFAULT_ENDPOINT = "https://api.heroku.com";

export interface HerokuTiming {
  /** First pause while waiting for a release or build (APISHIP_HEROKU_POLL_MS). */
  pollMs: number;
  /** Longest wait for a source build. */
  buildTimeoutMs: number;
  /** Longest wait for a release (release phase). */
  releaseTimeoutMs: number;
}

export interface HerokuClients {
  api: HerokuApi;
  endpoint: string;
  /** Where the API key came from, for messages: "HEROKU_API_KEY", "~/.netrc". */
  credentials: string;
  timing: HerokuTiming;
}

/** The password of `machine <host>` in a .netrc file's text, or undefined. */
export function netrcPassword(text: string, host: string): string | undefined {
  const tokens = text.split(/\s+/).filter(Boolean);
  let inMachine = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === "machine") inMachine = tokens[++i] === host;
    else if (t === "default") inMachine = false;
    else if (t === "password" && inMachine) return tokens[i + 1];
  }
  return undefined;
}

function fromNetrc(env: ProviderConfig["env"], host: string): { key: string; from: string } | undefined {
  const path = env.NETRC ?? (env.HOME ? join(env.HOME, ".netrc") : undefined);
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const key = netrcPassword(text, host);
  return key ? { key, from: env.NETRC ? "$NETRC" : "~/.netrc" } : undefined;
}

export function apiKeyOf(env: ProviderConfig["env"], target: string): { key: string; from: string } {
  if (env.HEROKU_API_KEY) return { key: env.HEROKU_API_KEY, from: "HEROKU_API_KEY" };
  const n = fromNetrc(env, "api.heroku.com");
  if (n) return n;
  throw new ProviderError(`target ${target}: no Heroku credentials (tried HEROKU_API_KEY, ~/.netrc)`, {
    code: "CREDENTIALS",
    fault: "user",
    target,
    hint: "set HEROKU_API_KEY (e.g. from `heroku auth:token` or `heroku authorizations:create`), or run `heroku login`",
  });
}

const positive = (v: string | undefined, dflt: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : dflt;
};

/** createClients of heroku/heroku. */
export async function createHerokuClients(cfg: ProviderConfig): Promise<HerokuClients> {
  const opts = cfg.target.options as { endpoint?: unknown };
  const endpoint = typeof opts.endpoint === "string" ? opts.endpoint : DEFAULT_ENDPOINT;
  const { key, from } = apiKeyOf(cfg.env, cfg.target.name);
  const [{ HerokuApi: Api }, { createTransport }] = await Promise.all([
    import("./api.js"),
    import("./transport.js"),
  ]);
  const send = createTransport({ endpoint, apiKey: key, retry: callPolicy(cfg) });
  return {
    api: new Api(send, cfg.target.name),
    endpoint,
    credentials: from,
    timing: {
      pollMs: positive(cfg.env.APISHIP_HEROKU_POLL_MS, 1000),
      buildTimeoutMs: 15 * 60_000,
      releaseTimeoutMs: 5 * 60_000,
    },
  };
}
