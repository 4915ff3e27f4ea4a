// What the portable-function tests of every platform share: a source folder holding a fetch
// handler that echoes its query and path (status 201, and /healthz), plus a file a portable
// package must not ship; and unpacking a shipped package to run its bundle.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function echoHandlerSource(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `apiship-${prefix}-portable-`));
  mkdirSync(join(dir, "src"));
  writeFileSync(
    join(dir, "src/index.mjs"),
    [
      "export async function handler(request) {",
      "  const url = new URL(request.url);",
      '  if (url.pathname === "/healthz") return Response.json({ status: "ok" });',
      '  return Response.json({ hello: url.searchParams.getAll("name"), path: url.pathname }, { status: 201 });',
      "}",
      "",
    ].join("\n"),
  );
  // Left out of a portable package: only the bundle ships.
  writeFileSync(join(dir, "notes.txt"), "not shipped");
  return dir;
}

/** Writes a package's files to a fresh folder, to import its bundle as the platform would. */
export function unpack(files: Map<string, Buffer>, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `apiship-${prefix}-run-`));
  for (const [name, data] of files) writeFileSync(join(dir, name), data);
  return dir;
}
