// Neutral function runtime ids. A manifest names a runtime once ("python3.12") and every
// platform maps it to its own spelling; platforms list the neutral ids they run. Users coming
// from Lambda or Cloud Functions write "nodejs20.x" or "python312", so those are aliases.

export interface RuntimeFamily {
  /** Id prefix: "nodejs", "python". */
  readonly family: string;
  readonly label: string;
  /** Versions apiship knows, oldest first, as written in the id ("3.12", "20"). */
  readonly versions: readonly string[];
  /** How many leading digits form the major version when a spelling has no dot ("312" → "3.12"). */
  readonly majorDigits: number;
  /** Whether ids carry a minor version ("python3.12") or only a major one ("nodejs20"). */
  readonly minor: boolean;
}

export const RUNTIME_FAMILIES: readonly RuntimeFamily[] = [
  { family: "nodejs", label: "Node.js", versions: ["18", "20", "22", "24"], majorDigits: 2, minor: false },
  {
    family: "python",
    label: "Python",
    versions: ["3.9", "3.10", "3.11", "3.12", "3.13"],
    majorDigits: 1,
    minor: true,
  },
  { family: "go", label: "Go", versions: ["1.21", "1.22", "1.23", "1.24"], majorDigits: 1, minor: true },
  { family: "java", label: "Java", versions: ["11", "17", "21"], majorDigits: 2, minor: false },
  { family: "dotnet", label: ".NET", versions: ["6", "8", "9"], majorDigits: 1, minor: false },
  { family: "ruby", label: "Ruby", versions: ["3.2", "3.3", "3.4"], majorDigits: 1, minor: true },
  { family: "php", label: "PHP", versions: ["8.2", "8.3", "8.4"], majorDigits: 1, minor: true },
];

/** Every neutral id apiship knows, e.g. "nodejs20", "python3.12". */
export const KNOWN_RUNTIMES: readonly string[] = RUNTIME_FAMILIES.flatMap((f) =>
  f.versions.map((v) => `${f.family}${v}`),
);

const FAMILY_ALIASES: Record<string, string> = {
  node: "nodejs",
  nodejs: "nodejs",
  python: "python",
  py: "python",
  go: "go",
  golang: "go",
  java: "java",
  dotnet: "dotnet",
  dotnetcore: "dotnet",
  ruby: "ruby",
  php: "php",
};

export interface ParsedRuntime {
  family: string;
  version: string;
}

/** Splits a spelling into family and version, accepting aliases; undefined when it is not one. */
export function parseRuntime(input: string): ParsedRuntime | undefined {
  const text = input.trim().toLowerCase().replace(/\.x$/, "");
  const m = /^([a-z]+)[-_ ]?(\d+(?:\.\d+)*)$/.exec(text);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  const familyId = FAMILY_ALIASES[m[1]];
  const family = RUNTIME_FAMILIES.find((f) => f.family === familyId);
  if (!family) return undefined;
  return { family: family.family, version: normalizeVersion(family, m[2]) };
}

function normalizeVersion(family: RuntimeFamily, raw: string): string {
  const parts = raw.split(".");
  if (!family.minor) return String(Number(parts[0]));
  if (parts.length === 1) {
    // "python312" / "go122": no dot, so split after the major digits.
    const digits = parts[0] ?? "";
    if (digits.length <= family.majorDigits) return digits;
    return `${Number(digits.slice(0, family.majorDigits))}.${Number(digits.slice(family.majorDigits))}`;
  }
  return `${Number(parts[0])}.${Number(parts[1])}`;
}

/**
 * The neutral id of a runtime spelling: "nodejs20.x" → "nodejs20", "python312" → "python3.12",
 * "dotnet8.0" → "dotnet8". A spelling apiship cannot read comes back trimmed and lowercased, so
 * a plugin's own runtime ids still compare equal to themselves.
 */
export function normalizeRuntime(input: string): string {
  const parsed = parseRuntime(input);
  return parsed ? `${parsed.family}${parsed.version}` : input.trim().toLowerCase();
}

/** The family of a runtime ("python3.12" → "python"), for hints. */
export function runtimeFamily(input: string): RuntimeFamily | undefined {
  const parsed = parseRuntime(input);
  return parsed ? RUNTIME_FAMILIES.find((f) => f.family === parsed.family) : undefined;
}

/**
 * The accepted runtime to suggest instead of `input`: the newest of the same family when the
 * family is run at all, else undefined (the caller then lists what the platform runs).
 */
export function suggestRuntime(input: string, accepted: readonly string[]): string | undefined {
  const family = parseRuntime(input)?.family;
  if (family === undefined) return undefined;
  const same = accepted.map(normalizeRuntime).filter((id) => parseRuntime(id)?.family === family);
  return same.sort(compareRuntimeIds).at(-1);
}

function compareRuntimeIds(a: string, b: string): number {
  const va = (parseRuntime(a)?.version ?? "").split(".").map(Number);
  const vb = (parseRuntime(b)?.version ?? "").split(".").map(Number);
  for (let i = 0; i < Math.max(va.length, vb.length); i++) {
    const d = (va[i] ?? 0) - (vb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The language whose neutral contract a runtime speaks (issue 19): Node.js a Web fetch handler,
 * Python an ASGI app. Undefined for a runtime that has none (Go, Java, .NET, Ruby, PHP, a
 * plugin's own id): such a function is written to each platform's own signature.
 */
export function neutralContract(runtime: string): "nodejs" | "python" | undefined {
  const family = parseRuntime(runtime)?.family;
  return family === "nodejs" || family === "python" ? family : undefined;
}

/** `function.interface` when the manifest leaves it out: portable where the runtime has a neutral contract. */
export function defaultInterface(runtime: string): "native" | "portable" {
  return neutralContract(runtime) ? "portable" : "native";
}

/** A function's interface: as written, else the runtime's default (a spec built by hand may leave it out). */
export function functionInterface(fn: {
  runtime: string;
  interface?: "native" | "portable";
}): "native" | "portable" {
  return fn.interface ?? defaultInterface(fn.runtime);
}
