// heroku/heroku passes the same lifecycle as every platform, against the Heroku fake, through
// the real fetch client reached by the target's `endpoint` option. An env change updates the
// config vars in place; a region change recreates the app (Heroku cannot move one).
import { heroku } from "../../providers/heroku/heroku.js";
import { seeded } from "../fakes/_shared/server.js";
import type { FaultKnobs } from "../fakes/_shared/server.js";
import { startHerokuFake } from "../fakes/heroku/server.js";
import { baseService } from "../support/test-provider/harness.js";
import { clientsFixture, debugLogLevel } from "./fixture.js";
import { describeLifecycle } from "./lifecycle.js";
import type { LifecycleFixture } from "./lifecycle.js";

const APP = "shop-dev-web";
const IMAGE = `sha256:${"a1".repeat(32)}`;

const lifecycle = (knobs?: FaultKnobs) => async (): Promise<LifecycleFixture> => {
  const fake = await startHerokuFake({ world: { releasePendingReads: 1 }, ...(knobs ? { knobs } : {}) });
  fake.world.pushImage(APP, IMAGE);
  return clientsFixture({
    adapter: heroku,
    name: APP,
    target: { name: "web", provider: "heroku", platform: "heroku", options: { endpoint: fake.url } },
    service: { ...baseService, container: { image: `registry.heroku.com/${APP}/web@${IMAGE}`, port: 8080 } },
    env: { HEROKU_API_KEY: "contract-key", APISHIP_HEROKU_POLL_MS: "5" },
    secrets: { API_KEY: "value" },
    update: debugLogLevel,
    replace: {
      target: (t) => ({ ...t, options: { ...t.options, region: "eu" } }),
      forcedBy: "region",
    },
    close: async () => {
      if (fake.rejected.length > 0)
        throw new Error(`the fake rejected bodies: ${JSON.stringify(fake.rejected)}`);
      await fake.close();
    },
  });
};

describeLifecycle("heroku/heroku", lifecycle());
// A third of the requests answered 429 (Retry-After: 0): every call, POSTs included, is retried.
describeLifecycle("heroku/heroku, throttled", lifecycle({ throttleRate: 0.33, random: seeded(7) }));
