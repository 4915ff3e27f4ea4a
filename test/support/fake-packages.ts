// What each fake holds of a deployed function, as a package to look into and to run: the bytes it
// was sent, the files in them, and what the platform was told (handler, entry point, environment).
// run-package.ts runs them; the e2e tests of the examples assert on both.

import { createHash } from "node:crypto";
import type { AwsFake } from "../fakes/aws/index.js";
import type { DoFake } from "../fakes/digitalocean/server.js";
import type { GcpFake, Json } from "../fakes/gcp/index.js";
import type { HerokuFake } from "../fakes/heroku/server.js";
import type { CurrentPackage, RunningPackage } from "./run-package.js";
import {
  invokeLambda,
  invokeWebAction,
  removePackage,
  serveCloudFunctionsPython,
  serveFunctionsFramework,
  serveProcfile,
  unpackPackage,
  untar,
} from "./run-package.js";
import { zipEntries } from "./zip.js";

/** A function's package as a fake holds it. */
export interface HeldPackage {
  /** SHA-256 of the bytes the fake received (hex). */
  sha256: string;
  files: Map<string, Buffer>;
  /** Runs it as its platform would; stopping it removes the unpacked copy. */
  run(): Promise<RunningPackage>;
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Runs `files` unpacked under node_modules/.cache, removing them when stopped. */
async function runUnpacked(
  files: Map<string, Buffer>,
  prefix: string,
  start: (dir: string) => Promise<RunningPackage>,
): Promise<RunningPackage> {
  const dir = unpackPackage(files, prefix);
  try {
    const pkg = await start(dir);
    return {
      ...pkg,
      stop: async () => {
        await pkg.stop();
        removePackage(dir);
      },
    };
  } catch (e) {
    removePackage(dir);
    throw e;
  }
}

/** As a CurrentPackage for packageServer(): keyed by its bytes. */
export const current = (held: HeldPackage | undefined): CurrentPackage | undefined =>
  held && { key: held.sha256, start: () => held.run() };

// ---------------------------------------------------------------- Cloud Functions (and Firebase)

export interface CloudFunctionView {
  entryPoint: string;
  runtime: string;
  env: Record<string, string>;
  buildEnv: Record<string, string>;
}

/** The function's build and service settings as the Cloud Functions fake holds them. */
export function cloudFunction(gcp: GcpFake, name: string): CloudFunctionView | undefined {
  const fn = gcp.world.functions.get(name);
  if (!fn) return undefined;
  const bc = (fn.buildConfig ?? {}) as Json;
  const sc = (fn.serviceConfig ?? {}) as Json;
  return {
    entryPoint: String(bc.entryPoint ?? ""),
    runtime: String(bc.runtime ?? ""),
    env: (sc.environmentVariables ?? {}) as Record<string, string>,
    buildEnv: (bc.environmentVariables ?? {}) as Record<string, string>,
  };
}

/** The zip the function's build config points at, run by functions-framework (Node.js) or Flask (Python). */
export function cloudFunctionPackage(gcp: GcpFake, name: string): HeldPackage | undefined {
  const fn = gcp.world.functions.get(name);
  const view = cloudFunction(gcp, name);
  const src = ((fn?.buildConfig as Json | undefined)?.source as Json | undefined)?.storageSource as
    Json | undefined;
  const upload = [...gcp.world.uploads.values()].find(
    (u) => u.bucket === src?.bucket && u.object === src?.object,
  );
  if (!view || !upload?.bytes) return undefined;
  const files = zipEntries(upload.bytes);
  return {
    sha256: sha256(upload.bytes),
    files,
    run: () =>
      runUnpacked(files, "gcf", (dir) =>
        view.runtime.startsWith("python")
          ? serveCloudFunctionsPython(dir, view.entryPoint, { ...view.buildEnv, ...view.env })
          : serveFunctionsFramework(dir, view.entryPoint, view.env),
      ),
  };
}

// ---------------------------------------------------------------- Lambda

/** The zip Lambda holds for the function (the version behind its `live` alias), called with function URL events. */
export function lambdaPackage(aws: AwsFake, name: string): HeldPackage | undefined {
  const fn = aws.world.functions.get(name);
  if (!fn) return undefined;
  const live = fn.aliases.get("live")?.version;
  const want = fn.versions.find((v) => v.version === live)?.codeSha256 ?? fn.codeSha256;
  const config = fn.versions.find((v) => v.version === live)?.config ?? fn.config;
  // The fake keeps no bytes: they are in the request that sent them (CreateFunction, UpdateFunctionCode).
  const bytes = aws.requests
    .map((q) => {
      const body = q.json as { Code?: { ZipFile?: string }; ZipFile?: string } | undefined;
      const zip = body?.Code?.ZipFile ?? body?.ZipFile;
      return typeof zip === "string" ? Buffer.from(zip, "base64") : undefined;
    })
    .find((b) => b && createHash("sha256").update(b).digest("base64") === want);
  if (!bytes) return undefined;
  const files = zipEntries(bytes);
  const runtime = String(config.Runtime ?? "");
  const handler = String(config.Handler ?? "");
  const env = ((config.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ??
    {}) as Record<string, string>;
  return {
    sha256: sha256(bytes),
    files,
    run: () =>
      runUnpacked(files, "lambda", (dir) =>
        invokeLambda(dir, runtime, handler, { ...env, AWS_LAMBDA_FUNCTION_NAME: name }),
      ),
  };
}

// ---------------------------------------------------------------- DigitalOcean Functions

/** The web action's zip (exec.code), its `main` called with raw web action arguments. */
export function webActionPackage(
  fake: DoFake,
  action: string,
): (HeldPackage & { main: string; annotations: Record<string, unknown> }) | undefined {
  const a = [...fake.world.namespaces.values()].map((ns) => ns.actions.get(action)).find(Boolean);
  if (!a?.exec.code) return undefined;
  const bytes = Buffer.from(a.exec.code, "base64");
  const files = zipEntries(bytes);
  const main = a.exec.main ?? "main";
  return {
    sha256: sha256(bytes),
    files,
    main,
    annotations: Object.fromEntries((a.annotations ?? []).map((k) => [k.key, k.value])),
    run: () => runUnpacked(files, "dofn", (dir) => invokeWebAction(dir, main)),
  };
}

// ---------------------------------------------------------------- Heroku

/** The source tarball of the app's last build, run by its Procfile's web process with the app's config vars. */
export function herokuBuildPackage(fake: HerokuFake, app: string): HeldPackage | undefined {
  const fa = fake.world.apps.get(app);
  const build = fa?.builds.at(-1);
  const id = build?.source_blob.url.split("/__blobs/")[1];
  const bytes = id === undefined ? undefined : fake.world.sources.get(id);
  if (!fa || !bytes) return undefined;
  const files = untar(bytes);
  return {
    sha256: sha256(bytes),
    files,
    run: () => runUnpacked(files, "heroku", (dir) => serveProcfile(dir, { ...fa.config })),
  };
}
