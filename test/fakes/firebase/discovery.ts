// Checks a JSON value against a schema of the Firebase Hosting discovery document
// (firebasehosting-v1beta1.json, copied verbatim from /work/shared/api-specs/firebase), as
// Google's front end does: an unknown field is "Invalid JSON payload received. Unknown name",
// a wrong type or enum value is rejected. Used by the fake and by the unit tests.

import doc from "./firebasehosting-v1beta1.json" with { type: "json" };

interface Prop {
  type?: string;
  $ref?: string;
  enum?: string[];
  items?: Prop;
  additionalProperties?: Prop;
  properties?: Record<string, Prop>;
  readOnly?: boolean;
  format?: string;
}

interface Doc {
  schemas: Record<string, Prop>;
}

// Imported, not read from disk, so a bundle of the fake (bench/firebase.js) carries it.
export const DISCOVERY = doc as unknown as Doc;

function check(p: Prop, v: unknown, path: string, out: string[]): void {
  if (p.$ref) {
    const s = DISCOVERY.schemas[p.$ref];
    if (!s) return void out.push(`${path}: unknown schema ${p.$ref}`);
    return check(s, v, path, out);
  }
  if (p.enum && !p.enum.includes(String(v)))
    return void out.push(`${path}: invalid value ${JSON.stringify(v)}`);
  switch (p.type) {
    case "string":
      if (typeof v !== "string") out.push(`${path}: expected a string`);
      return;
    case "boolean":
      if (typeof v !== "boolean") out.push(`${path}: expected a boolean`);
      return;
    case "integer":
    case "number":
      if (typeof v !== "number") out.push(`${path}: expected a number`);
      return;
    case "array":
      if (!Array.isArray(v)) return void out.push(`${path}: expected an array`);
      v.forEach((x, i) => check(p.items ?? {}, x, `${path}[${i}]`, out));
      return;
    case "object": {
      if (typeof v !== "object" || v === null || Array.isArray(v))
        return void out.push(`${path}: expected an object`);
      for (const [k, x] of Object.entries(v)) {
        const sub = p.properties?.[k] ?? p.additionalProperties;
        if (!sub) out.push(`Unknown name "${k}" at '${path}'`);
        else check(sub, x, path ? `${path}.${k}` : k, out);
      }
      return;
    }
    default:
  }
}

/** Problems of `value` as a `schema` (e.g. "Version"); [] when it conforms. */
export function validate(schema: string, value: unknown): string[] {
  const out: string[] = [];
  check({ $ref: schema }, value, "", out);
  return out;
}

/** The discovery method by its id, e.g. "firebasehosting.sites.versions.create". */
export function method(id: string): {
  httpMethod: string;
  path: string;
  parameters: Record<string, { location: string }>;
} {
  const walk = (r: Record<string, unknown>): unknown => {
    for (const m of Object.values((r.methods as Record<string, { id: string }>) ?? {}))
      if (m.id === id) return m;
    for (const sub of Object.values((r.resources as Record<string, Record<string, unknown>>) ?? {})) {
      const f = walk(sub);
      if (f) return f;
    }
    return undefined;
  };
  const m = walk(DISCOVERY as unknown as Record<string, unknown>);
  if (!m) throw new Error(`no method ${id} in the discovery document`);
  return m as ReturnType<typeof method>;
}
