// The typed Heroku Platform API client the adapter uses: one method per schema link, each
// with its request and response shape (types.ts). Transport, retries and error mapping are in
// transport.ts; this file knows paths, bodies and which statuses mean "absent".

import { isNotFound } from "./errors.js";
import type { Send } from "./transport.js";
import type {
  Account,
  App,
  AppCreate,
  AppUpdate,
  Build,
  BuildCreate,
  ConfigVars,
  ConfigVarsUpdate,
  Dyno,
  Formation,
  FormationBatchUpdate,
  LogSession,
  LogSessionCreate,
  Release,
  Region,
  ReleaseRollback,
  Source,
  TeamAppCreate,
} from "./types.js";

const seg = (s: string) => encodeURIComponent(s);

export const DOCKER_RELEASES = "application/vnd.heroku+json; version=3.docker-releases";

export class HerokuApi {
  constructor(
    private readonly send: Send,
    /** Target name, for error messages. */
    private readonly target: string,
  ) {}

  private async call<T>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    what: string,
    signal: AbortSignal,
    body?: unknown,
    headers?: Record<string, string>,
    recover?: () => Promise<T | undefined>,
  ): Promise<T> {
    const res = await this.send<T>({
      method,
      path,
      op: { what, target: this.target },
      signal,
      ...(body !== undefined ? { body } : {}),
      ...(headers ? { headers } : {}),
      ...(recover ? { recover } : {}),
    });
    return res.data;
  }

  /** GET /apps/{app}; undefined when there is none (a name held by another account is 403). */
  async getApp(app: string, signal: AbortSignal): Promise<App | undefined> {
    try {
      return await this.call<App>("GET", `/apps/${seg(app)}`, `read app ${app}`, signal);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** POST /apps/{app}/log-sessions: a URL that streams the app's recent log lines. */
  createLogSession(app: string, body: LogSessionCreate, signal: AbortSignal): Promise<LogSession> {
    return this.call("POST", `/apps/${seg(app)}/log-sessions`, `open a log session of ${app}`, signal, body);
  }

  /** GET of a log session's logplex_url (absolute, without the API key): the lines as text. */
  async readLogSession(url: string, signal: AbortSignal): Promise<string> {
    const res = await this.send<unknown>({
      method: "GET",
      path: url,
      op: { what: "read the log session", target: this.target },
      signal,
    });
    return typeof res.data === "string" ? res.data : "";
  }

  /** GET /account: whose the API key is (`apiship doctor`). */
  getAccount(signal: AbortSignal): Promise<Account> {
    return this.call("GET", "/account", "read the account", signal);
  }

  /** GET /regions/{region}: the region exists and the API answers for it (`apiship doctor`). */
  getRegion(region: string, signal: AbortSignal): Promise<Region> {
    return this.call("GET", `/regions/${seg(region)}`, `read region ${region}`, signal);
  }

  createApp(body: AppCreate, signal: AbortSignal): Promise<App> {
    // App names are global: after a 5xx, an app by that name in this account is this create.
    const name = body.name;
    const recover = name ? () => this.getApp(name, signal) : undefined;
    return this.call("POST", "/apps", `create app ${name ?? ""}`, signal, body, undefined, recover);
  }

  createTeamApp(body: TeamAppCreate, signal: AbortSignal): Promise<App> {
    return this.call(
      "POST",
      "/teams/apps",
      `create app ${body.name ?? ""} in team ${body.team ?? ""}`,
      signal,
      body,
    );
  }

  updateApp(app: string, body: AppUpdate, signal: AbortSignal): Promise<App> {
    return this.call("PATCH", `/apps/${seg(app)}`, `update app ${app}`, signal, body);
  }

  /** DELETE /apps/{app}; false when it was already gone. */
  async deleteApp(app: string, signal: AbortSignal): Promise<boolean> {
    try {
      await this.call<App>("DELETE", `/apps/${seg(app)}`, `delete app ${app}`, signal);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  getConfigVars(app: string, signal: AbortSignal): Promise<ConfigVars> {
    return this.call("GET", `/apps/${seg(app)}/config-vars`, `read config vars of ${app}`, signal);
  }

  /** The body holds secret values: the op names the keys' count, never them. */
  updateConfigVars(app: string, body: ConfigVarsUpdate, signal: AbortSignal): Promise<ConfigVars> {
    return this.call("PATCH", `/apps/${seg(app)}/config-vars`, `update config vars of ${app}`, signal, body);
  }

  listFormation(app: string, signal: AbortSignal): Promise<Formation[]> {
    return this.call("GET", `/apps/${seg(app)}/formation`, `read formation of ${app}`, signal);
  }

  /**
   * PATCH /apps/{app}/formation. With a docker_image it is an image release, which the API takes
   * only under the docker-releases variant of its media type (Heroku Dev Center, "Container
   * Registry & Runtime"; what `heroku container:release` sends): plain version 3's formation
   * update has no docker_image.
   */
  updateFormation(app: string, body: FormationBatchUpdate, signal: AbortSignal): Promise<Formation[]> {
    const image = body.updates.some((u) => u.docker_image !== undefined);
    const what = image ? `release image to ${app}` : `scale formation of ${app}`;
    const path = `/apps/${seg(app)}/formation`;
    return this.call("PATCH", path, what, signal, body, image ? { accept: DOCKER_RELEASES } : undefined);
  }

  /** Newest first: `Range: version ..; order=desc, max=N` (the API's paging header). */
  listReleases(app: string, max: number, signal: AbortSignal): Promise<Release[]> {
    return this.call("GET", `/apps/${seg(app)}/releases`, `list releases of ${app}`, signal, undefined, {
      range: `version ..; order=desc, max=${max}`,
    });
  }

  getRelease(app: string, idOrVersion: string, signal: AbortSignal): Promise<Release> {
    return this.call(
      "GET",
      `/apps/${seg(app)}/releases/${seg(idOrVersion)}`,
      `read release ${idOrVersion} of ${app}`,
      signal,
    );
  }

  rollback(app: string, body: ReleaseRollback, signal: AbortSignal): Promise<Release> {
    return this.call("POST", `/apps/${seg(app)}/releases`, `roll ${app} back`, signal, body);
  }

  listDynos(app: string, signal: AbortSignal): Promise<Dyno[]> {
    return this.call("GET", `/apps/${seg(app)}/dynos`, `list dynos of ${app}`, signal);
  }

  createSource(signal: AbortSignal): Promise<Source> {
    return this.call("POST", "/sources", "create a source upload URL", signal);
  }

  /** PUT the tarball to the put_url: a presigned URL, so no API key and no JSON. */
  async putSource(url: string, data: Buffer, signal: AbortSignal): Promise<void> {
    await this.send({
      method: "PUT",
      path: url,
      raw: data,
      headers: { "content-type": "" },
      op: { what: "upload the source tarball", target: this.target },
      signal,
    });
  }

  createBuild(app: string, body: BuildCreate, signal: AbortSignal): Promise<Build> {
    return this.call("POST", `/apps/${seg(app)}/builds`, `start a build of ${app}`, signal, body);
  }

  getBuild(app: string, id: string, signal: AbortSignal): Promise<Build> {
    return this.call("GET", `/apps/${seg(app)}/builds/${seg(id)}`, `read build ${id} of ${app}`, signal);
  }
}
