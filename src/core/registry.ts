// The registry knows which providers exist and loads each with import() only when a stack
// uses it (DESIGN.md §1, §9.8). Core never imports providers/: the CLI hands the built-in
// loaders in, and plugins (APISHIP_PLUGINS or a manifest's `plugins:`) add more.

import { pathToFileURL } from "node:url";
import { isAbsolute, resolve } from "node:path";
import { ManifestError, UsageError } from "../errors.js";
import type { ProviderModule, TargetAdapter } from "./provider.js";

export type ProviderLoader = () => Promise<ProviderModule>;

export class Registry {
  private readonly loaders = new Map<string, ProviderLoader>();
  private readonly loaded = new Map<string, Promise<ProviderModule>>();
  private readonly behaviours = new WeakMap<TargetAdapter, Promise<TargetAdapter>>();
  /** Plugin modules by the URL they were imported from, and the URL each plugged-in id came from. */
  private readonly plugins = new Map<string, ProviderModule>();
  private readonly pluggedFrom = new Map<string, string>();

  constructor(builtins: Record<string, ProviderLoader>) {
    for (const [id, load] of Object.entries(builtins)) this.loaders.set(id, load);
  }

  /** Provider ids, built-in and plugged in, sorted. */
  ids(): string[] {
    return [...this.loaders.keys()].sort();
  }

  has(id: string): boolean {
    return this.loaders.has(id);
  }

  async provider(id: string): Promise<ProviderModule> {
    const load = this.loaders.get(id);
    if (!load) {
      throw new UsageError(`unknown provider "${id}"`, { hint: `known providers: ${this.ids().join(", ")}` });
    }
    let p = this.loaded.get(id);
    if (!p) {
      p = load();
      this.loaded.set(id, p);
    }
    return p;
  }

  /**
   * The platform a target names, whole (its behaviour imported when the provider lists it as a
   * lazyTarget), or undefined when the provider has no such platform. provider() and all() give
   * the descriptors only, which is all validation needs.
   */
  async platform(provider: string, platform: string | undefined): Promise<TargetAdapter | undefined> {
    const mod = await this.provider(provider);
    const name = platform ?? mod.defaultPlatform;
    const info = name === undefined ? undefined : mod.targets[name];
    if (!info?.load) return info;
    let whole = this.behaviours.get(info);
    if (!whole) {
      whole = info.load().then((t) => {
        if (t.id !== info.id) throw new Error(`platform ${info.id} loaded the module of ${t.id}`);
        return t;
      });
      this.behaviours.set(info, whole);
    }
    return whole;
  }

  async all(): Promise<ProviderModule[]> {
    return Promise.all(this.ids().map((id) => this.provider(id)));
  }

  /**
   * Registers provider modules from outside the box. Each specifier is a path (relative to
   * `baseDir`) or a package name; its default export (or `provider` export) must be the
   * result of defineProvider().
   */
  async addPlugins(specifiers: readonly string[], baseDir: string): Promise<void> {
    for (const spec of specifiers) {
      const url =
        spec.startsWith(".") || isAbsolute(spec) ? pathToFileURL(resolve(baseDir, spec)).href : spec;
      // APISHIP_PLUGINS is added again for every manifest: a plugin that already provides its id
      // stays as it is, with the platforms it has resolved (a plan of 400 manifests re-imported
      // it 400 times and dropped its cache each time).
      const known = this.plugins.get(url);
      if (known && this.pluggedFrom.get(known.id) === url) continue;
      const mod = known ?? (await importPlugin(url, spec));
      this.plugins.set(url, mod);
      this.pluggedFrom.set(mod.id, url);
      this.loaders.set(mod.id, () => Promise.resolve(mod));
      this.loaded.delete(mod.id);
    }
  }
}

async function importPlugin(url: string, spec: string): Promise<ProviderModule> {
  try {
    const imported = (await import(url)) as { default?: unknown; provider?: unknown };
    return checkProviderModule(imported.default ?? imported.provider, spec);
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    throw new ManifestError(`plugin "${spec}" could not be loaded`, [
      {
        severity: "error",
        code: "plugin-load",
        message: `plugin "${spec}" could not be loaded: ${e instanceof Error ? e.message : String(e)}`,
        path: "plugins",
        hint: "a plugin is a path to an ES module (or a package name) whose default export is defineProvider({...})",
      },
    ]);
  }
}

function checkProviderModule(value: unknown, spec: string): ProviderModule {
  const v = value as Partial<ProviderModule> | undefined;
  if (!v || typeof v.id !== "string" || typeof v.targets !== "object" || v.targets === null) {
    throw new ManifestError(`plugin "${spec}" does not export a provider`, [
      {
        severity: "error",
        code: "plugin-shape",
        message: `plugin "${spec}" does not export a provider`,
        path: "plugins",
        hint: "export default defineProvider({ id, summary, targets: [defineTarget({...})] })",
      },
    ]);
  }
  return v as ProviderModule;
}

/** Plugin specifiers named in APISHIP_PLUGINS (comma or path-delimiter separated). */
export function pluginsFromEnv(env: Record<string, string | undefined>): string[] {
  const raw = env.APISHIP_PLUGINS;
  if (!raw) return [];
  return raw
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
