// gax's REST transport sends enums as numbers (`$alt=json;enum-encoding=int`) and the real
// control planes answer in kind. The fake keeps its state with enum names, as the discovery
// documents spell them, and converts at the edge using the protobuf descriptors the client
// libraries ship (protos.json): numbers in, names stored, numbers out when the client asked.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

interface ProtoField {
  type: string;
  rule?: string;
  keyType?: string;
}
interface ProtoNode {
  nested?: Record<string, ProtoNode>;
  fields?: Record<string, ProtoField>;
  values?: Record<string, number>;
}

const require = createRequire(import.meta.url);

function protosOf(pkg: string): ProtoNode {
  const main = require.resolve(pkg);
  // build/src/index.js → build/protos/protos.json
  return JSON.parse(readFileSync(join(dirname(main), "..", "protos", "protos.json"), "utf8")) as ProtoNode;
}

export class EnumCodec {
  private readonly types = new Map<string, ProtoNode>();

  constructor(packages: readonly string[]) {
    for (const p of packages) this.index(protosOf(p), "");
  }

  private index(node: ProtoNode, prefix: string): void {
    for (const [k, v] of Object.entries(node.nested ?? {})) {
      const full = prefix ? `${prefix}.${k}` : k;
      if (v.fields || v.values) this.types.set(full, v);
      this.index(v, full);
    }
  }

  /** Resolves a field's type name as protobuf does: innermost scope first. */
  private resolve(type: string, scope: string): string | undefined {
    if (this.types.has(type)) return type;
    const parts = scope.split(".");
    while (parts.length > 0) {
      const cand = `${parts.join(".")}.${type}`;
      if (this.types.has(cand)) return cand;
      parts.pop();
    }
    return undefined;
  }

  /** Enum numbers → names (what the fake stores). */
  names(typeName: string, json: unknown): unknown {
    return this.walk(typeName, json, (e, v) => {
      if (typeof v !== "number") return v;
      return Object.entries(e.values ?? {}).find(([, n]) => n === v)?.[0] ?? v;
    });
  }

  /** Enum names → numbers (what a client asking for enum-encoding=int gets). */
  numbers(typeName: string, json: unknown): unknown {
    return this.walk(typeName, json, (e, v) => (typeof v === "string" ? (e.values?.[v] ?? v) : v));
  }

  private walk(typeName: string, json: unknown, conv: (e: ProtoNode, v: unknown) => unknown): unknown {
    const t = this.types.get(typeName);
    if (!t || json === null || typeof json !== "object") return json;
    if (t.values) return json;
    if (Array.isArray(json)) return json.map((x) => this.walk(typeName, x, conv));
    const out: Record<string, unknown> = {};
    const obj = json as Record<string, unknown>;
    // An Any names its own type.
    const anyType = typeof obj["@type"] === "string" ? String(obj["@type"]).split("/").pop() : undefined;
    const fields = anyType ? (this.types.get(anyType)?.fields ?? {}) : (t.fields ?? {});
    const scope = anyType ?? typeName;
    for (const [k, v] of Object.entries(obj)) {
      const f = fields[k];
      const ft = f ? this.resolve(f.type, scope) : undefined;
      const node = ft ? this.types.get(ft) : undefined;
      if (!f || !ft || !node) out[k] = v;
      else if (node.values) out[k] = Array.isArray(v) ? v.map((x) => conv(node, x)) : conv(node, v);
      else if (f.keyType && v && typeof v === "object")
        out[k] = Object.fromEntries(Object.entries(v).map(([mk, mv]) => [mk, this.walk(ft, mv, conv)]));
      else out[k] = this.walk(ft, v, conv);
    }
    return out;
  }
}

export const RUN = "google.cloud.run.v2";
export const FUNCTIONS = "google.cloud.functions.v2";
