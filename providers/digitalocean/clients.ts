// The ONLY place the DigitalOcean client is built (DESIGN.md §9.3). There is no SDK: a small
// typed client on fetch (api.ts over providers/_shared/http.ts), imported lazily here so loading
// the provider loads neither. The token is DIGITALOCEAN_TOKEN (doctl's DIGITALOCEAN_ACCESS_TOKEN
// also works), read on the first request so an offline plan needs none. The endpoint is the
// target's `endpoint` option, else https://api.digitalocean.com; a Functions namespace's own API
// host comes from the API (so an emulator that is the endpoint serves it too).

import type { ProviderConfig } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { callPolicy } from "../_shared/call-retry.js";
import type { DoApi } from "./api.js";

export const DEFAULT_ENDPOINT = "https://api.digitalocean.com";

export interface DoTiming {
  /** First pause while waiting for a deployment, a Droplet or an action (APISHIP_DO_POLL_MS). */
  pollMs: number;
  /** Longest wait for an App Platform deployment (builds pull the image). */
  deployTimeoutMs: number;
  /** Longest wait for a new Droplet to boot and answer its health check (APISHIP_DO_DROPLET_TIMEOUT_MS). */
  dropletTimeoutMs: number;
  /**
   * Port of the health probe of a new Droplet (the container is published on 80). Tests point
   * it at the fake's responder with APISHIP_DO_DROPLET_HTTP_PORT.
   */
  dropletHttpPort: number;
}

export interface DoClients {
  api: DoApi;
  endpoint: string;
  target: string;
  timing: DoTiming;
  /** fetch for the Droplet health probe (the API client has its own). */
  fetch: typeof globalThis.fetch;
}

export function tokenOf(env: ProviderConfig["env"], target: string): string {
  const t = env.DIGITALOCEAN_TOKEN ?? env.DIGITALOCEAN_ACCESS_TOKEN;
  if (t) return t;
  throw new ProviderError(
    `target ${target}: no DigitalOcean token (tried DIGITALOCEAN_TOKEN, DIGITALOCEAN_ACCESS_TOKEN)`,
    {
      code: "CREDENTIALS",
      fault: "user",
      target,
      hint: "create a personal access token (cloud.digitalocean.com/account/api/tokens) and set DIGITALOCEAN_TOKEN",
    },
  );
}

const positive = (v: string | undefined, dflt: number) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : dflt;
};

/** createClients of every digitalocean/* platform. */
export async function createDoClients(cfg: ProviderConfig): Promise<DoClients> {
  const opts = cfg.target.options as { endpoint?: unknown };
  const endpoint = typeof opts.endpoint === "string" ? opts.endpoint : DEFAULT_ENDPOINT;
  const target = cfg.target.name;
  const [{ DoApi: Api }, { createHttpClient }, { doError }] = await Promise.all([
    import("./api.js"),
    import("../_shared/http.js"),
    import("./errors.js"),
  ]);
  // The shared client is the one retry layer of DigitalOcean calls, under the run's policy.
  const retry = callPolicy(cfg);
  const http = createHttpClient({
    baseUrl: endpoint,
    headers: { "user-agent": "apiship" },
    token: () => tokenOf(cfg.env, target),
    mapError: doError(target),
    retry,
  });
  const fetchImpl = globalThis.fetch.bind(globalThis);
  return {
    api: new Api(http, (baseUrl) =>
      createHttpClient({ baseUrl, headers: { "user-agent": "apiship" }, mapError: doError(target), retry }),
    ),
    endpoint,
    target,
    timing: {
      pollMs: positive(cfg.env.APISHIP_DO_POLL_MS, 2000),
      deployTimeoutMs: 20 * 60_000,
      dropletTimeoutMs: positive(cfg.env.APISHIP_DO_DROPLET_TIMEOUT_MS, 10 * 60_000),
      dropletHttpPort: positive(cfg.env.APISHIP_DO_DROPLET_HTTP_PORT, 80),
    },
    fetch: fetchImpl,
  };
}
