// A minimal reader of the zips apiship writes (providers/_shared/artifact.ts): central directory
// → local headers → contents, stored or deflated. For tests that look inside a package.

import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  /** Unix mode from the external attributes. */
  mode: number;
  time: number;
  date: number;
  /** Local header offset, to check it agrees with the central directory. */
  local: number;
  data: Buffer;
}

export function readZip(pathOrBytes: string | Buffer): ZipEntry[] {
  const buf = typeof pathOrBytes === "string" ? readFileSync(pathOrBytes) : pathOrBytes;
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + csize);
    out.push({
      name: buf.subarray(p + 46, p + 46 + nameLen).toString("utf8"),
      method,
      crc: buf.readUInt32LE(p + 16),
      mode: buf.readUInt32LE(p + 38) >>> 16,
      time: buf.readUInt16LE(p + 12),
      date: buf.readUInt16LE(p + 14),
      local,
      data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw),
    });
    p += 46 + nameLen;
  }
  return out;
}

/** A zip's entries by name. */
export function zipEntries(bytes: Buffer): Map<string, Buffer> {
  return new Map(readZip(bytes).map((e) => [e.name, e.data]));
}
