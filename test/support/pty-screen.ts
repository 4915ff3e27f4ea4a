// The built CLI in a pseudo-terminal, and the screen a person would be left with: pty-run.py
// runs the command in a PTY of a fixed size and hands back its raw bytes, and @xterm/headless
// (a terminal emulator in plain JavaScript) replays them. Tests then assert on what is on the
// screen, as drawn, rather than on the bytes: leftover spinner frames, wrapped rows and lines
// printed twice are things of the screen, which the bytes alone do not show.

import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import xterm from "@xterm/headless";

const HELPER = join(dirname(fileURLToPath(import.meta.url)), "pty-run.py");

export interface PtyOptions {
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
  /** Text written to the terminal once the output (after the previous send) matches. */
  sends?: { when: RegExp; text: string }[];
  timeoutS?: number;
}

export interface ScreenLine {
  text: string;
  /** The row continues the one above it: a line longer than the width wrapped onto it. */
  wrapped: boolean;
}

export interface PtyRun {
  code: number;
  /** Every byte the command wrote to the terminal. */
  raw: string;
  /** Every row of the emulated terminal, scrollback first, trailing empty rows dropped. */
  screen: ScreenLine[];
}

/** Runs `command` in a PTY of cols × rows and replays its output in a terminal emulator. */
export async function runInPty(command: readonly string[], o: PtyOptions): Promise<PtyRun> {
  const sendArgs = (o.sends ?? []).flatMap((s) => ["--send", s.when.source, s.text]);
  const args = [
    HELPER,
    String(o.cols),
    String(o.rows),
    String(o.timeoutS ?? 60),
    ...sendArgs,
    "--",
    ...command,
  ];
  const { code, bytes } = await new Promise<{ code: number; bytes: Buffer }>((resolve, reject) => {
    const child = spawn("python3", args, { cwd: o.cwd, env: o.env, stdio: ["ignore", "pipe", "inherit"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => chunks.push(b));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c ?? -1, bytes: Buffer.concat(chunks) }));
  });
  return { code, raw: bytes.toString("utf8"), screen: await replay(bytes, o.cols, o.rows) };
}

/** The rows a terminal of cols × rows shows after receiving `bytes` (scrollback included). */
export async function replay(bytes: Uint8Array, cols: number, rows: number): Promise<ScreenLine[]> {
  const term = new xterm.Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(bytes, resolve));
  const buf = term.buffer.active;
  const lines: ScreenLine[] = [];
  for (let i = 0; i < buf.length; i++) {
    const line = buf.getLine(i);
    if (line) lines.push({ text: line.translateToString(true), wrapped: line.isWrapped });
  }
  while (lines.length > 0 && lines.at(-1)?.text === "") lines.pop();
  term.dispose();
  return lines;
}
