// GET /v2/account (operationId account_get in DigitalOcean-public.v2.bundled.yaml): the
// account the token belongs to (#/components/schemas/account, required fields as the spec
// lists them; `team` only in a team context). `revoked` answers as the API answers a token it
// no longer accepts: 401 {"id": "unauthorized", "message": "Unable to authenticate you."}.

import type { Handler } from "./apps.js";
import { err } from "./apps.js";

export interface FakeAccount {
  email: string;
  uuid: string;
  status: "active" | "warning" | "locked";
  status_message: string;
  team?: { uuid: string; name: string };
  /** The token is no longer accepted: every account read answers 401. */
  revoked?: boolean;
}

export const DEFAULT_ACCOUNT: FakeAccount = {
  email: "sammy@digitalocean.com",
  uuid: "b6fr89dbf6d9156cace5f3c78dc9851d957381ef",
  status: "active",
  status_message: " ",
};

const getAccount: Handler = (w) => {
  const { revoked, ...a } = { ...DEFAULT_ACCOUNT, ...w.opts.account };
  if (revoked) return err(401, "unauthorized", "Unable to authenticate you.");
  return {
    status: 200,
    body: { account: { droplet_limit: 25, floating_ip_limit: 5, email_verified: true, ...a } },
  };
};

export const ACCOUNT_ROUTES: [string, RegExp, Handler][] = [["GET", /^\/v2\/account$/, getAccount]];
