// Which image a Heroku release can run. Heroku runs images only from its own registry,
// registry.heroku.com/<app>/<process type>, and releases one by its image id; apiship neither
// builds nor pushes images. So the manifest names the image by digest there:
// `registry.heroku.com/<app>/web@sha256:<id>`, where <id> is what `docker inspect --format
// '{{.Id}}'` prints for the pushed image (what `heroku container:release` sends). Anything else
// is a plan error that says what to push. Pure.

import { ProviderError } from "../../src/errors.js";

const REF = /^registry\.heroku\.com\/([a-z][a-z0-9-]{1,28}[a-z0-9])\/([-\w]{1,128})@(sha256:[0-9a-f]{64})$/;

function pushHint(app: string, image: string): string {
  const local = image.replace(/@sha256:[0-9a-f]+$/, "");
  return [
    `push it to the app's registry, then name it by id:`,
    `\`heroku container:login && docker tag ${local} registry.heroku.com/${app}/web && docker push registry.heroku.com/${app}/web\`,`,
    `then set service.container.image to registry.heroku.com/${app}/web@$(docker inspect --format '{{.Id}}' registry.heroku.com/${app}/web).`,
    `The app must exist to push: create it with \`heroku create ${app} --stack container\` and set \`app: ${app}\` on the target to adopt it`,
  ].join(" ");
}

/** The image id a release sends as docker_image; throws a user error for any other reference. */
export function herokuImageId(image: string, app: string, target: string): string {
  const m = REF.exec(image);
  if (!m) {
    throw new ProviderError(
      `heroku/heroku cannot run ${image}: Heroku runs images only from registry.heroku.com/${app}/web, named by image id`,
      { code: "IMAGE_NOT_IN_HEROKU_REGISTRY", fault: "user", target, hint: pushHint(app, image) },
    );
  }
  if (m[1] !== app || m[2] !== "web") {
    throw new ProviderError(
      `image ${image} is in registry.heroku.com/${m[1]}/${m[2]}, but target ${target} releases app ${app}'s web process`,
      {
        code: "IMAGE_NOT_IN_HEROKU_REGISTRY",
        fault: "user",
        target,
        hint: `an app releases only what was pushed to its own registry path: push to registry.heroku.com/${app}/web, or set \`app: ${m[1]}\` on the target`,
      },
    );
  }
  return m[3] as string;
}

/** The 12-hex short id Heroku writes in a release's description ("Deployed web (0123456789ab)"). */
export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}
