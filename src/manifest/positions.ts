// Where each part of a manifest sits in its file. Diagnostics are produced against JSON paths
// (`targets.lambda.region`, `environments.production.targets[1]`) by code that never sees the
// YAML; this index is how they get their line and column back.

import { InternalError } from "../errors.js";

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface PositionEntry {
  /** Where the value starts (for an empty value, where its key is). */
  value: Position;
  /** Where the key is, for mapping entries: an unknown key is reported here. */
  key?: Position;
  kind: "scalar" | "map" | "seq" | "alias";
  /** An unquoted scalar: a number or boolean interpolated into it keeps its YAML type. */
  plain: boolean;
}

export class PositionIndex {
  private readonly entries = new Map<string, PositionEntry>();
  private load?: () => Promise<(index: PositionIndex) => void>;

  /**
   * `fill` records the entries on the first read: a manifest read by the fast path
   * (yaml-fast.ts) is indexed only when a diagnostic or an interpolation asks where something is.
   * `load` gives such a `fill` once the `yaml` library is imported (parse.ts imports it only for
   * that); the index must then be made ready() before it is read.
   */
  constructor(
    private fill?: (index: PositionIndex) => void,
    load?: () => Promise<(index: PositionIndex) => void>,
  ) {
    this.load = load;
  }

  /** Imports what filling the index needs, if it was built without it. */
  async ready(): Promise<void> {
    const load = this.load;
    this.load = undefined;
    if (load) this.fill = await load();
  }

  private filled(): Map<string, PositionEntry> {
    if (this.load) {
      throw new InternalError("a manifest's position index was read before ready()", {
        hint: "this is a bug in apiship; please report it with the manifest",
      });
    }
    const fill = this.fill;
    this.fill = undefined;
    fill?.(this);
    return this.entries;
  }

  set(path: string, entry: PositionEntry): void {
    this.entries.set(path, entry);
  }

  get(path: string): PositionEntry | undefined {
    return this.filled().get(path);
  }

  paths(): string[] {
    return [...this.filled().keys()];
  }

  /** The entry of `path`, else of its nearest recorded ancestor (a missing key reports at its parent). */
  nearest(path: string): { path: string; entry: PositionEntry } | undefined {
    this.filled();
    for (let p: string | undefined = path; p !== undefined; p = parentPath(p)) {
      const entry = this.entries.get(p);
      if (entry) return { path: p, entry };
    }
    return undefined;
  }
}

export function joinPath(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

/** `a.b[2]` → `a.b`, `a.b` → `a`, `a` → `""`, `""` → undefined. */
export function parentPath(path: string): string | undefined {
  if (path === "") return undefined;
  const m = /(\[\d+\]|\.[^.[]*)$/.exec(path);
  return m ? path.slice(0, m.index) : "";
}
