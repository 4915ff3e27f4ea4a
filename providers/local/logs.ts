// The log file of a local target, written by the supervisor as `<ISO time> <stream> <line>`,
// read for `apiship logs`: filtered by time, the newest `tail` lines, then followed by polling
// the file's size (portable, and a log that is replaced or truncated is read from its start).

import { open, stat } from "node:fs/promises";
import { grepFilter } from "../../src/core/log-grep.js";
import type { LogEntry, LogQuery } from "../../src/core/provider.js";

const LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (\w+) (.*)$/;

export function parseLine(line: string): LogEntry {
  const m = LINE.exec(line);
  return m ? { time: m[1] as string, stream: m[2] as string, message: m[3] as string } : { message: line };
}

/** The file from `offset` on, or from its start when it shrank (replaced or truncated). */
async function readFrom(path: string, offset: number): Promise<{ text: string; start: number }> {
  const fh = await open(path, "r").catch(() => undefined);
  if (!fh) return { text: "", start: 0 };
  try {
    const { size } = await fh.stat();
    const start = size < offset ? 0 : offset;
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    return { text: buf.toString("utf8"), start };
  } finally {
    await fh.close();
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

export async function* readLogFile(
  path: string,
  query: LogQuery,
  signal?: AbortSignal,
): AsyncIterable<LogEntry> {
  const since = query.since?.getTime();
  // --grep before --tail: the newest N of the matching lines, not the matches among the newest N.
  const matches = grepFilter(query.grep);
  const keep = (e: LogEntry) =>
    (since === undefined || (e.time !== undefined && Date.parse(e.time) >= since)) && matches(e);
  const first = await readFrom(path, 0);
  // Only whole lines: a line being written is read on the next poll.
  const cut = first.text.lastIndexOf("\n") + 1;
  let entries = first.text.slice(0, cut).split("\n").filter(Boolean).map(parseLine).filter(keep);
  if (query.tail !== undefined) entries = entries.slice(-query.tail);
  yield* entries;
  if (!query.follow) return;
  let offset = Buffer.byteLength(first.text.slice(0, cut));
  while (!signal?.aborted) {
    await sleep(250, signal);
    const size = (await stat(path).catch(() => undefined))?.size ?? 0;
    if (size === offset) continue;
    const next = await readFrom(path, offset);
    const whole = next.text.slice(0, next.text.lastIndexOf("\n") + 1);
    for (const line of whole.split("\n").filter(Boolean)) yield parseLine(line);
    offset = next.start + Buffer.byteLength(whole);
  }
}
