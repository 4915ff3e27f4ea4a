// The state of the Heroku fake: apps with config vars, releases, formation and dynos; the
// container registry (which images were pushed to registry.heroku.com/<app>/web); sources and
// builds. It behaves like the Platform API where the adapter depends on it: app names are
// global (a name another account holds is 403 to read and 422 to create), every config change
// and image release is a new numbered release, a rollback copies an older release's image and
// config, releases and builds start `pending`, dynos start `starting`.

import { createHash, randomUUID } from "node:crypto";
import type { App, Build, Dyno, Formation, Release } from "../../../providers/heroku/types.js";

export interface FakeAccount {
  id: string;
  email: string;
  name?: string;
  /** The default team (GET /account's default_team). */
  team?: { id: string; name: string };
  /** The API key is no longer accepted: GET /account answers 401 (account.ts). */
  revoked?: boolean;
}

export interface FakeRelease extends Release {
  /** What the release runs: an image id, or a slug id of a build. */
  image?: string;
  slugId?: string;
  config: Record<string, string>;
  /** Reads left before a pending release settles. */
  pendingReads: number;
  fail: boolean;
}

export interface FakeBuild extends Build {
  pendingReads: number;
}

export interface FakeApp {
  app: App;
  config: Record<string, string>;
  releases: FakeRelease[];
  formation: Map<string, Formation>;
  builds: FakeBuild[];
  /** When the web dynos of the current release started. */
  startedAt: number;
}

export interface WorldOptions {
  /** Reads of a new release before it leaves `pending` (default 1). */
  releasePendingReads?: number;
  /** Reads of a new build before it leaves `pending` (default 2). */
  buildPendingReads?: number;
  /** How long dynos stay `starting` after a release, in ms (default 0). */
  dynoStartMs?: number;
  baseUrl?: string;
}

const SIZES: Record<string, string> = {
  eco: "Eco",
  basic: "Basic",
  "standard-1x": "Standard-1X",
  "standard-2x": "Standard-2X",
  "performance-m": "Performance-M",
  "performance-l": "Performance-L",
  "performance-l-ram": "Performance-L-RAM",
  "performance-xl": "Performance-XL",
  "performance-2xl": "Performance-2XL",
  "private-s": "Private-S",
  "private-m": "Private-M",
  "private-l": "Private-L",
  "shield-s": "Shield-S",
  "shield-m": "Shield-M",
  "shield-l": "Shield-L",
};

export const REGIONS = ["us", "eu"];
export const STACKS = ["container", "heroku-24", "heroku-22"];

const now = () => new Date().toISOString();
const uuid = (seed: string) => {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export class HerokuWorld {
  readonly apps = new Map<string, FakeApp>();
  /** App names held by other accounts. */
  readonly taken = new Set<string>();
  /** App name → image ids pushed to registry.heroku.com/<app>/web. */
  readonly registry = new Map<string, Set<string>>();
  /** Images whose web process crashes on boot (H10). */
  readonly crashImages = new Set<string>();
  /** Images whose web process runs but answers every request with 500. */
  readonly erroringImages = new Set<string>();
  /** Source blobs uploaded to a put_url, by blob id. */
  readonly sources = new Map<string, Buffer | undefined>();
  /** Builds that fail, by the checksum of their source. */
  readonly failingSources = new Set<string>();
  readonly account: FakeAccount = { id: uuid("account"), email: "deployer@example.com" };
  baseUrl = "http://127.0.0.1";
  private serial = 0;

  constructor(readonly opts: WorldOptions = {}) {
    if (opts.baseUrl) this.baseUrl = opts.baseUrl;
  }

  id(): string {
    return uuid(`${++this.serial}-${randomUUID()}`);
  }

  /** Marks an image as pushed to registry.heroku.com/<app>/web (the app need not exist yet). */
  pushImage(app: string, imageId: string): void {
    const set = this.registry.get(app) ?? new Set<string>();
    set.add(imageId);
    this.registry.set(app, set);
  }

  webUrl(name: string): string {
    return `${this.baseUrl}/__router/${name}/`;
  }

  createApp(name: string, region: string, stack: string, team: string | null): FakeApp {
    const at = now();
    const st = { id: uuid(`stack-${stack}`), name: stack };
    const app: App = {
      id: this.id(),
      name,
      region: { id: uuid(`region-${region}`), name: region },
      stack: st,
      build_stack: st,
      team: team === null ? null : { id: uuid(`team-${team}`), name: team },
      owner: this.account,
      maintenance: false,
      web_url: this.webUrl(name),
      released_at: null,
      created_at: at,
      updated_at: at,
    };
    const fa: FakeApp = { app, config: {}, releases: [], formation: new Map(), builds: [], startedAt: 0 };
    this.apps.set(name, fa);
    this.addRelease(fa, "Initial release", {});
    return fa;
  }

  current(fa: FakeApp): FakeRelease | undefined {
    return fa.releases.find((r) => r.current);
  }

  addRelease(
    fa: FakeApp,
    description: string,
    what: { image?: string; slugId?: string },
    pendingReads = 0,
  ): FakeRelease {
    const prev = this.current(fa);
    if (prev) prev.current = false;
    const at = now();
    const r: FakeRelease = {
      id: this.id(),
      version: fa.releases.length + 1,
      status: pendingReads > 0 ? "pending" : "succeeded",
      description,
      current: true,
      eligible_for_rollback: true,
      slug: what.slugId ? { id: what.slugId } : null,
      app: { id: fa.app.id, name: fa.app.name },
      user: this.account,
      output_stream_url: null,
      created_at: at,
      updated_at: at,
      config: { ...fa.config },
      pendingReads,
      fail: false,
    };
    const image = what.image ?? prev?.image;
    if (image !== undefined) r.image = image;
    const slug = what.slugId ?? prev?.slugId;
    if (slug !== undefined) r.slugId = slug;
    fa.releases.push(r);
    fa.app.released_at = at;
    if (r.image !== undefined || r.slugId !== undefined) {
      fa.startedAt = Date.now();
      this.ensureWeb(fa);
    }
    return r;
  }

  /** The web process type appears with the first release that runs something. */
  private ensureWeb(fa: FakeApp): void {
    if (fa.formation.has("web")) return;
    const at = now();
    fa.formation.set("web", {
      id: this.id(),
      app: { id: fa.app.id, name: fa.app.name },
      type: "web",
      quantity: 1,
      size: "Basic",
      dyno_size: { id: uuid("size-basic"), name: "Basic" },
      command: "",
      created_at: at,
      updated_at: at,
    });
  }

  /** Settles a pending release or build by one read. */
  settle<T extends { status: string; pendingReads: number }>(x: T, failed: boolean): T {
    if (x.status !== "pending") return x;
    if (x.pendingReads > 0) x.pendingReads--;
    if (x.pendingReads === 0) x.status = failed ? "failed" : "succeeded";
    return x;
  }

  sizeName(size: string): string | undefined {
    return SIZES[size.toLowerCase()];
  }

  dynosOf(fa: FakeApp): Dyno[] {
    const web = fa.formation.get("web");
    const rel = this.current(fa);
    if (!web || !rel || (rel.image === undefined && rel.slugId === undefined)) return [];
    const starting = Date.now() - fa.startedAt < (this.opts.dynoStartMs ?? 0);
    const crashed = rel.image !== undefined && this.crashImages.has(rel.image);
    const state = crashed ? "crashed" : starting ? "starting" : "up";
    return Array.from({ length: web.quantity }, (_, i) => ({
      id: uuid(`${fa.app.id}-${rel.id}-${i}`),
      name: `web.${i + 1}`,
      type: "web",
      state,
      size: web.dyno_size.name,
      release: { id: rel.id, version: rel.version },
      created_at: rel.created_at,
      updated_at: rel.updated_at,
    }));
  }
}
