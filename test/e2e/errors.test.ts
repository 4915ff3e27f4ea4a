// The CLI's surface as a user meets it: help, version, mistakes on the command line, and a
// fuzz sample of broken manifests. Whatever the input, the exit code is one of DESIGN.md §6
// and no stack trace reaches the terminal.

import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, STACK_LINE, apiship, cleanup, ensureBuilt, envelope, mapLimit, tempDir } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);
afterAll(cleanup);

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

describe("help and version", () => {
  it("--version prints the package version", async () => {
    const r = await apiship(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^apiship/${pkg.version.replaceAll(".", "\\.")} \\S+ node-v\\d+`));
  });

  it("--help lists the commands and the state topic", async () => {
    const r = await apiship(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["validate", "schema", "init", "providers", "plan", "state"])
      expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\s`, "m"));
  });

  it("every command's --help shows its usage and exits 0", async () => {
    const { commands } = JSON.parse(readFileSync(join(ROOT, "oclif.manifest.json"), "utf8")) as {
      commands: Record<string, unknown>;
    };
    const ids = Object.keys(commands).map((id) => id.replaceAll(":", " "));
    expect(ids).toEqual(expect.arrayContaining(["validate", "plan", "state list", "state rm"]));
    const runs = await mapLimit(ids, 2, (id) => apiship([...id.split(" "), "--help"]));
    runs.forEach((r, i) => {
      expect(r.code, ids[i]).toBe(0);
      expect(r.stdout, ids[i]).toContain(`$ apiship ${ids[i]}`);
      expect(r.stderr, ids[i]).toBe("");
    });
  });
});

describe("command-line mistakes", () => {
  it("an unknown command exits 1, suggests the nearest one (did you mean) and gives a hint", async () => {
    const r = await apiship(["depoy"]);
    expect(r.code).toBe(1);
    // @oclif/plugin-not-found's warning; without a terminal it asks nothing, so the hint says it.
    expect(r.stderr).toMatch(/depoy is not a apiship command/);
    expect(r.stderr).toMatch(/hint: did you mean "apiship deploy"\? run "apiship --help"/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    const nested = await apiship(["state", "lst"]);
    expect(nested.stderr).toMatch(/did you mean "apiship state list"/);
    const far = await apiship(["frobnicate"]);
    expect(far.code).toBe(1);
    expect(far.stderr).not.toMatch(/did you mean/);
    expect(far.stderr).toMatch(/hint: run "apiship --help"/);
  });

  it("`help COMMAND` is `COMMAND --help`, and help for an unknown command exits 1 with the hint", async () => {
    const help = await apiship(["help", "state", "list"]);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/List the stacks recorded in the state store/);
    expect(help.stdout).toMatch(/\$ apiship state list/);
    const all = await apiship(["help"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^COMMANDS$/m);
    for (const args of [
      ["help", "depoy"],
      ["depoy", "--help"],
    ]) {
      const r = await apiship(args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(/hint: did you mean "apiship deploy"\?/);
    }
  });

  it("completion scripts come from @oclif/plugin-autocomplete", async () => {
    const r = await apiship(["autocomplete", "script", "bash"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/apiship/);
  });

  it("an unknown flag exits 1 with a message and a hint, also as a JSON envelope", async () => {
    const r = await apiship(["validate", "--frobnicate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Nonexistent flag: --frobnicate/);
    expect(r.stderr).toMatch(/hint: .*--help/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    const j = await apiship(["validate", "--frobnicate", "--json"]);
    expect(j.code).toBe(1);
    const env = envelope(j);
    expect(env.status).toBe("error");
    expect(env.error?.code).toBe("USAGE");
    expect(env.error?.hint).toMatch(/--help/);
  });
});

/** mulberry32: a seeded PRNG, so a failing sample can be replayed from E2E_FUZZ_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK = [
  ":",
  "- ",
  "{",
  "}",
  "[",
  "&a ",
  "*a",
  "!!binary ",
  "\t",
  "'",
  '"',
  "${env:",
  "${env:NOPE}",
  "\u00e9",
  "0x",
  "~",
  "#",
  "|",
];

/** One random edit of the text: the kinds of damage a hand-edited YAML file suffers. */
function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const lines = text.split("\n");
  const at = Math.floor(rnd() * lines.length);
  const pos = Math.floor(rnd() * (text.length + 1));
  switch (Math.floor(rnd() * 7)) {
    case 0:
      return lines.filter((_, i) => i !== at).join("\n");
    case 1:
      return [...lines.slice(0, at), lines[at] ?? "", ...lines.slice(at)].join("\n");
    case 2:
      return text.slice(0, pos) + pick(JUNK) + text.slice(pos);
    case 3:
      return text.slice(0, pos);
    case 4:
      return lines.map((l, i) => (i === at ? `  ${l}` : l)).join("\n");
    case 5:
      return text.replace(/: (\S+)/g, (m, v: string) =>
        rnd() < 0.2 ? `: ${pick(["-1", "true", "[]", "{}", "99999999", `${v}${v}`])}` : m,
      );
    default:
      return text.slice(0, pos) + text.slice(pos + 1 + Math.floor(rnd() * 20));
  }
}

describe("fuzz: validate on mutated manifests", () => {
  it("exits 0 or 1, never another code, and never prints a stack trace", async () => {
    const seed = Number(process.env.E2E_FUZZ_SEED ?? 20240611);
    const rnd = prng(seed);
    const validDir = join(ROOT, "fixtures/manifests/valid");
    const sources = readdirSync(validDir)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => readFileSync(join(validDir, f), "utf8"));
    const dir = tempDir();
    const files = Array.from({ length: 30 }, (_, i) => {
      let text = sources[Math.floor(rnd() * sources.length)] ?? "";
      for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) text = mutate(text, rnd);
      const file = join(dir, `m${i}.yaml`);
      writeFileSync(file, text);
      return file;
    });
    const runs = await mapLimit(files, 2, (f) => apiship(["validate", "-f", f], { cwd: dir }));
    const codes = new Set<number>();
    runs.forEach((r, i) => {
      const what = `seed ${seed}, ${files[i]}:\n${readFileSync(files[i] ?? "", "utf8")}\n--- stderr:\n${r.stderr}`;
      codes.add(r.code);
      expect([0, 1], what).toContain(r.code);
      expect(r.stderr, what).not.toMatch(STACK_LINE);
      if (r.code === 1) expect(r.stderr, what).toMatch(/^Error: /m);
    });
    // The sample is only worth something if it contains broken manifests.
    expect(codes.has(1)).toBe(true);
  }, 120_000);
});
