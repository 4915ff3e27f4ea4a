// The Platform API's account and region reads (schema.json: definitions.account "Info",
// GET /account; definitions.region "Info", GET /regions/{id_or_name}), with the properties the
// schema lists. `revoked` on the account answers as the API answers a key it no longer accepts:
// 401 {"id": "unauthorized", "message": "Invalid credentials provided."}.

import type { Handler } from "./apps.js";
import { err } from "./apps.js";
import type { HerokuWorld } from "./world.js";

const CREATED = "2012-01-01T12:00:00Z";

function accountBody(w: HerokuWorld): Record<string, unknown> {
  const a = w.account;
  const team = a.team ? { id: a.team.id, name: a.team.name } : null;
  return {
    allow_tracking: true,
    beta: false,
    created_at: CREATED,
    email: a.email,
    federated: false,
    id: a.id,
    identity_provider: null,
    last_login: CREATED,
    name: a.name ?? null,
    sms_number: null,
    suspended_at: null,
    delinquent_at: null,
    two_factor_authentication: true,
    updated_at: CREATED,
    verified: true,
    country_of_residence: "United States",
    default_organization: team,
    default_team: team,
  };
}

/** Heroku's Common Runtime regions, as GET /regions/{name} describes them. */
const REGION_INFO: Record<string, { description: string; country: string; locale: string; aws: string }> = {
  us: { description: "United States", country: "United States", locale: "Virginia", aws: "us-east-1" },
  eu: { description: "Europe", country: "Ireland", locale: "Dublin", aws: "eu-west-1" },
};

const getRegion: Handler = (_w, _req, m) => {
  const name = m[1] ?? "";
  const r = REGION_INFO[name];
  if (!r) return err(404, "not_found", "Couldn't find that region.");
  return {
    status: 200,
    body: {
      country: r.country,
      created_at: CREATED,
      description: r.description,
      id: name === "us" ? "59accabd-516d-4f0e-83e6-6e3757701145" : "ed30241c-ed8c-4bb6-9714-61953675d0b4",
      locale: r.locale,
      name,
      private_capable: false,
      provider: { name: "amazon-web-services", region: r.aws },
      updated_at: CREATED,
    },
  };
};

export const ACCOUNT_ROUTES: [string, RegExp, Handler][] = [
  [
    "GET",
    /^\/account$/,
    (w) =>
      w.account.revoked
        ? err(401, "unauthorized", "Invalid credentials provided.")
        : { status: 200, body: accountBody(w) },
  ],
  ["GET", /^\/regions\/([^/]+)$/, getRegion],
];
