import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readZip as readZipEntries } from "../../test/support/zip.js";
import { codeIdentity } from "../../src/core/provider.js";
import { buildZip, listSourceFiles } from "./artifact.js";

/** What buildZip wrote, each entry's CRC checked against its data and its local header. */
function readZip(path: string) {
  const buf = readFileSync(path);
  const entries = readZipEntries(buf);
  for (const e of entries) {
    expect(crc32(e.data)).toBe(e.crc);
    expect(buf.readUInt32LE(e.local + 14)).toBe(e.crc);
  }
  return entries;
}

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), "apiship-src-"));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

const out = () => join(mkdtempSync(join(tmpdir(), "apiship-zip-")), "a.zip");

describe("buildZip", () => {
  it("gives the same bytes for the same files whatever their timestamps and creation order", async () => {
    const a = tree({ "b.js": "b", "a/index.js": "export {}", "z.txt": "zzz" });
    const b = tree({ "z.txt": "zzz", "a/index.js": "export {}", "b.js": "b" });
    utimesSync(join(b, "b.js"), new Date("2001-02-03"), new Date("2001-02-03"));
    const za = await buildZip(a, out());
    const zb = await buildZip(b, out());
    expect(za.sha256).toBe(zb.sha256);
    expect(za.sha256).toBe(createHash("sha256").update(readFileSync(za.path)).digest("hex"));
    expect(za.sha256Base64).toBe(createHash("sha256").update(readFileSync(za.path)).digest("base64"));
    expect(za.bytes).toBe(readFileSync(za.path).length);
    const c = tree({ "b.js": "B", "a/index.js": "export {}", "z.txt": "zzz" });
    expect((await buildZip(c, out())).sha256).not.toBe(za.sha256);
  });

  it("identifies the code by its content, not by what the compressor made of it", async () => {
    // Node's bundled zlib has changed its deflate output between releases; two levels stand in
    // for two zlib builds: different bytes, the same files.
    const big = Buffer.from(Array.from({ length: 300_000 }, (_, i) => `line ${i % 977}\n`).join(""));
    const root = tree({ "index.js": "export const x = 1;\n".repeat(200), "data/big.txt": big });
    const fast = await buildZip(root, out(), { level: 1 });
    const best = await buildZip(root, out(), { level: 9 });
    expect(fast.sha256).not.toBe(best.sha256);
    expect(fast.digest).toBe(best.digest);
    expect(codeIdentity(fast)).toBe(codeIdentity(best));
    // Any change to a file's content, path or mode changes it.
    const edited = tree({ "index.js": "export const x = 2;\n".repeat(200), "data/big.txt": big });
    expect((await buildZip(edited, out())).digest).not.toBe(fast.digest);
    chmodSync(join(root, "index.js"), 0o755);
    expect((await buildZip(root, out())).digest).not.toBe(fast.digest);
  });

  it("sorts entries, stamps 1980-01-01 and keeps only the executable bit", async () => {
    const root = tree({ "run.sh": "#!/bin/sh\n", "lib/x.js": "x", "A.md": "a" });
    chmodSync(join(root, "run.sh"), 0o750);
    chmodSync(join(root, "A.md"), 0o600);
    const entries = readZip((await buildZip(root, out())).path);
    expect(entries.map((e) => e.name)).toEqual(["A.md", "lib/x.js", "run.sh"]);
    expect(entries.map((e) => e.mode & 0o7777)).toEqual([0o644, 0o644, 0o755]);
    expect(entries.every((e) => e.time === 0 && e.date === 0x21)).toBe(true);
    expect(entries[2]?.data.toString()).toBe("#!/bin/sh\n");
  });

  it("streams big files and round-trips their content", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    const root = tree({ "big.bin": big, "small.txt": "s".repeat(1000) });
    const entries = readZip((await buildZip(root, out())).path);
    expect(entries[0]?.data.equals(big)).toBe(true);
    expect(entries[1]?.data.toString()).toBe("s".repeat(1000));
  });

  it("honours .gitignore and .apiship-ignore, and never packs .git", async () => {
    const root = tree({
      ".gitignore": "# logs\n*.log\n!keep.log\nbuild/\n/root-only.txt\n",
      ".apiship-ignore": "tests/**\n",
      "a.log": "x",
      "keep.log": "k",
      "sub/b.log": "x",
      "sub/root-only.txt": "kept: not at the root",
      "root-only.txt": "x",
      "build/out.js": "x",
      "tests/unit/t.js": "x",
      ".git/HEAD": "ref",
      "src/index.js": "ok",
    });
    const names = (await listSourceFiles(root)).map((f) => f.path);
    expect(names).toEqual([".apiship-ignore", ".gitignore", "keep.log", "src/index.js", "sub/root-only.txt"]);
  });
});
