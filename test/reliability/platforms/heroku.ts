// Heroku against the Heroku fake, reached by the target's `endpoint` option (HEROKU_API_KEY as a
// user sets it). The image is already in the app's registry, as `heroku container:push` leaves
// it; the fake plays the app's router, so the health check meets the same faults.

import { startHerokuFake } from "../../fakes/heroku/server.js";
import type { Platform } from "../platform-kit.js";
import {
  FaultSwitch,
  SECRET_VALUE,
  SECRET_VAR,
  manifestText,
  over,
  remaining,
  repeated,
  writeProject,
} from "../platform-kit.js";

/** The name apiship derives for faults/dev target t (Heroku: 30 characters, lowercase). */
const APP = "faults-dev-t";
const IMAGE = `sha256:${"5e".repeat(32)}`;

export const heroku: Platform = {
  id: "heroku/heroku",
  seed: 601,
  async start(dir, faults) {
    const sw = new FaultSwitch(faults);
    const fake = await startHerokuFake({ knobs: sw.knobs() });
    sw.track(fake.knobs);
    fake.world.pushImage(APP, IMAGE);
    writeProject(
      dir,
      manifestText({
        code: `container: { image: "registry.heroku.com/${APP}/web@${IMAGE}", port: 8080 }`,
        target: `provider: heroku, region: eu, endpoint: "${fake.url}"`,
      }),
    );
    const w = fake.world;
    return {
      env: { HEROKU_API_KEY: "faults-key", APISHIP_HEROKU_POLL_MS: "5", [SECRET_VAR]: SECRET_VALUE },
      // The Platform API; the router (/__router/) is the health check, the blob store a data plane.
      apiRequests: () => fake.requests.filter((r) => !/^\/__(router|blobs)\//.test(r.path)).length,
      faults: (on) => sw.set(on),
      duplicates: () => [
        ...over(1, { apps: w.apps.size }),
        // An image released once: a second "Deployed web" release of it is a release sent again.
        ...[...w.apps.values()].flatMap((a) =>
          repeated(
            `${a.app.name} release of image`,
            a.releases.filter((r) => r.description.startsWith("Deployed ")),
            (r) => r.image ?? "",
          ),
        ),
      ],
      leftovers: () => remaining({ apps: w.apps.size }),
      close: () => fake.close(),
    };
  },
};
