// Deterministic zip of a function's source (DESIGN.md §1 providers/_shared): the same files give
// the same bytes on every machine and every run, so the archive's SHA-256 can be compared with
// what the cloud holds (Lambda's CodeSha256) and an unchanged source is never uploaded again.
// Entries are sorted by path, every timestamp is 1980-01-01 00:00 (the zip epoch), modes are
// 0644 or 0755 (executable bit kept), and .gitignore / .apiship-ignore are honoured. The bytes
// still depend on the zlib Node was built with, so the code's identity in a plan is the
// content digest (each file's path, mode and SHA-256), which no compressor changes. Files are
// compressed a few at a time on zlib's thread pool and written in order; big files are streamed,
// so a 50 MB source never sits in memory.

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, readdir, stat } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { crc32, createDeflateRaw, deflateRaw } from "node:zlib";
import type { Artifact } from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import { IgnoreTree } from "./ignore.js";
import type { Level } from "./ignore.js";

const deflateRawAsync = promisify(deflateRaw);

export interface ZipArtifact extends Artifact {
  /** The SHA-256 in base64: the spelling of Lambda's CodeSha256. */
  sha256Base64: string;
  files: number;
}

export interface SourceFile {
  /** Posix path inside the archive. */
  path: string;
  abs: string;
  size: number;
  executable: boolean;
}

export interface ZipOptions extends ListOptions {
  /** zlib level, 0-9 (default 6, like Info-ZIP). */
  level?: number;
  /** Files compressed ahead of the writer (default 16). */
  window?: number;
}

export interface ListOptions {
  /**
   * Apply .gitignore / .apiship-ignore, the folder's own and its repository's above it (default
   * true). False for a folder apiship generated (a portable build): the rules were applied to
   * its source already, and the repository's may ignore the place it was built in (`.apiship/`),
   * which would list nothing.
   */
  ignores?: boolean;
}

// Files above this are streamed through a deflate stream instead of being read whole.
const STREAM_ABOVE = 1024 * 1024;
// 1980-01-01 00:00:00 in MS-DOS date/time fields.
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
const FLAG_UTF8 = 0x0800;

export function base64Sha256(hex: string): string {
  return Buffer.from(hex, "hex").toString("base64");
}

/** The files an artifact of `root` holds, sorted by archive path. */
export async function listSourceFiles(root: string, opts: ListOptions = {}): Promise<SourceFile[]> {
  const tree = opts.ignores === false ? IgnoreTree.none(root) : await IgnoreTree.open(root);
  const out: SourceFile[] = [];
  // The entries of a directory are looked at concurrently: thousands of sequential stat calls
  // were a good part of zipping a large source.
  const walk = async (dir: string, rel: string, parent?: Level[]): Promise<void> => {
    const [entries, levels] = await Promise.all([
      readdir(dir, { withFileTypes: true }),
      tree.enter(rel, parent),
    ]);
    await Promise.all(
      entries.map(async (e) => {
        const path = rel === "" ? e.name : `${rel}/${e.name}`;
        const abs = join(dir, e.name);
        // Symlinks count by what they point to; a link to a directory is not followed (no cycles).
        const st = e.isSymbolicLink() ? await stat(abs) : undefined;
        const isDir = st ? st.isDirectory() : e.isDirectory();
        if (tree.ignored(path, isDir, levels)) return;
        if (isDir) {
          if (!st) await walk(abs, path, levels);
          return;
        }
        const s = st ?? (await stat(abs));
        if (!s.isFile()) return;
        out.push({ path, abs, size: s.size, executable: (s.mode & 0o111) !== 0 });
      }),
    );
  };
  await walk(root, "");
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

interface Entry {
  /** Hex SHA-256 of the file's content, for the content digest. */
  sha: string;
  name: Buffer;
  crc: number;
  csize: number;
  usize: number;
  method: number;
  offset: number;
  mode: number;
}

/** Buffered sequential writer over a file handle; `patch` rewrites bytes already written. */
class Out {
  offset = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushedTo = 0;
  constructor(private readonly fh: FileHandle) {}

  async append(b: Buffer): Promise<void> {
    this.pending.push(b);
    this.pendingBytes += b.length;
    this.offset += b.length;
    if (this.pendingBytes >= STREAM_ABOVE) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const buf = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.fh.write(buf, 0, buf.length, this.flushedTo);
    this.flushedTo += buf.length;
  }

  async patch(position: number, b: Buffer): Promise<void> {
    await this.flush();
    await this.fh.write(b, 0, b.length, position);
  }
}

function localHeader(e: Entry): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(FLAG_UTF8, 6);
  h.writeUInt16LE(e.method, 8);
  h.writeUInt16LE(DOS_TIME, 10);
  h.writeUInt16LE(DOS_DATE, 12);
  h.writeUInt32LE(e.crc >>> 0, 14);
  h.writeUInt32LE(e.csize, 18);
  h.writeUInt32LE(e.usize, 22);
  h.writeUInt16LE(e.name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, e.name]);
}

function centralHeader(e: Entry): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes carry a mode
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(FLAG_UTF8, 8);
  h.writeUInt16LE(e.method, 10);
  h.writeUInt16LE(DOS_TIME, 12);
  h.writeUInt16LE(DOS_DATE, 14);
  h.writeUInt32LE(e.crc >>> 0, 16);
  h.writeUInt32LE(e.csize, 20);
  h.writeUInt32LE(e.usize, 24);
  h.writeUInt16LE(e.name.length, 28);
  h.writeUInt32LE(((0o100000 | e.mode) << 16) >>> 0, 38);
  h.writeUInt32LE(e.offset, 42);
  return Buffer.concat([h, e.name]);
}

function endOfCentral(count: number, size: number, offset: number): Buffer {
  const h = Buffer.alloc(22);
  h.writeUInt32LE(0x06054b50, 0);
  h.writeUInt16LE(count, 8);
  h.writeUInt16LE(count, 10);
  h.writeUInt32LE(size, 12);
  h.writeUInt32LE(offset, 16);
  return h;
}

interface Compressed {
  sha: string;
  crc: number;
  data: Buffer;
  method: number;
  usize: number;
}

async function compressSmall(f: SourceFile, level: number): Promise<Compressed> {
  const raw = await readFile(f.abs);
  const deflated = await deflateRawAsync(raw, { level });
  // Incompressible data is stored: smaller, and just as deterministic.
  const stored = deflated.length >= raw.length;
  const sha = createHash("sha256").update(raw).digest("hex");
  return { sha, crc: crc32(raw), data: stored ? raw : deflated, method: stored ? 0 : 8, usize: raw.length };
}

/** Streams one big file through deflate, then patches its local header with crc and sizes. */
async function writeStreamed(out: Out, f: SourceFile, e: Entry, level: number): Promise<void> {
  await out.append(localHeader(e));
  const deflate = createDeflateRaw({ level });
  const input = createReadStream(f.abs);
  let crc = 0;
  let usize = 0;
  const hash = createHash("sha256");
  input.on("data", (c) => {
    const chunk = c as Buffer;
    crc = crc32(chunk, crc);
    hash.update(chunk);
    usize += chunk.length;
  });
  input.on("error", (err) => deflate.destroy(err));
  input.pipe(deflate);
  const start = out.offset;
  for await (const chunk of deflate) await out.append(chunk as Buffer);
  Object.assign(e, { crc, usize, csize: out.offset - start, sha: hash.digest("hex") });
  await out.patch(e.offset, localHeader(e));
}

function checkLimits(files: readonly SourceFile[], root: string): void {
  const total = files.reduce((n, f) => n + f.size, 0);
  if (files.length > 0xffff || total > 0xfffffffe) {
    throw new ProviderError(
      `source ${root} is too big for a zip artifact (${files.length} files, ${total} bytes)`,
      {
        code: "ARTIFACT_TOO_BIG",
        fault: "user",
        hint: "exclude build outputs and dependencies you do not need with .apiship-ignore",
      },
    );
  }
}

async function writeEntries(
  out: Out,
  files: readonly SourceFile[],
  opts: Required<Pick<ZipOptions, "level" | "window">>,
): Promise<Entry[]> {
  const entries: Entry[] = [];
  const ahead = new Map<number, Promise<Compressed>>();
  const prefetch = (i: number) => {
    const f = files[i];
    if (f && f.size <= STREAM_ABOVE && !ahead.has(i)) ahead.set(i, compressSmall(f, opts.level));
  };
  for (let i = 0; i < files.length; i++) {
    for (let j = i; j < i + opts.window; j++) prefetch(j);
    const f = files[i] as SourceFile;
    const mode = f.executable ? 0o755 : 0o644;
    const e: Entry = {
      sha: "",
      name: Buffer.from(f.path, "utf8"),
      crc: 0,
      csize: 0,
      usize: 0,
      method: 8,
      offset: out.offset,
      mode,
    };
    const pending = ahead.get(i);
    ahead.delete(i);
    if (pending) {
      const c = await pending;
      Object.assign(e, { sha: c.sha, crc: c.crc, csize: c.data.length, usize: c.usize, method: c.method });
      await out.append(localHeader(e));
      await out.append(c.data);
    } else await writeStreamed(out, f, e, opts.level);
    entries.push(e);
  }
  return entries;
}

/** The content digest (Artifact.digest): one line per file of path, mode and content hash. */
export function contentDigest(files: readonly { path: string; mode: number; sha: string }[]): string {
  const h = createHash("sha256");
  for (const f of files) h.update(`${f.path}\0${f.mode.toString(8)}\0${f.sha}\n`);
  return h.digest("hex");
}

async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/**
 * The content digest of a folder, equal to the digest of its zip (buildZip): for a platform that
 * runs a build where it lies (the local provider) instead of uploading an archive.
 */
export async function folderDigest(
  root: string,
  opts: ListOptions = {},
): Promise<{ digest: string; bytes: number; files: number }> {
  const files = await listSourceFiles(root, opts);
  const shas = await Promise.all(files.map((f) => sha256File(f.abs)));
  const digest = contentDigest(
    files.map((f, i) => ({ path: f.path, mode: f.executable ? 0o755 : 0o644, sha: shas[i] ?? "" })),
  );
  return { digest, bytes: files.reduce((n, f) => n + f.size, 0), files: files.length };
}

/** Zips `root` into `outPath` deterministically. */
export async function buildZip(
  root: string,
  outPath: string,
  options: ZipOptions = {},
): Promise<ZipArtifact> {
  const opts = { level: options.level ?? 6, window: options.window ?? 16 };
  const files = await listSourceFiles(root, options);
  checkLimits(files, root);
  await mkdir(dirname(outPath), { recursive: true });
  const fh = await open(outPath, "w");
  let digest = "";
  try {
    const out = new Out(fh);
    const entries = await writeEntries(out, files, opts);
    digest = contentDigest(entries.map((e) => ({ path: e.name.toString("utf8"), mode: e.mode, sha: e.sha })));
    const cdStart = out.offset;
    for (const e of entries) await out.append(centralHeader(e));
    await out.append(endOfCentral(entries.length, out.offset - cdStart, cdStart));
    await out.flush();
  } finally {
    await fh.close();
  }
  const sha256 = await sha256File(outPath);
  const bytes = (await stat(outPath)).size;
  return { path: outPath, sha256, digest, bytes, sha256Base64: base64Sha256(sha256), files: files.length };
}
