// Calls an exported function of a package's module the way a platform's Node.js runtime does
// (Lambda: the handler named by "file.export"; DigitalOcean Functions: the action's `main`): the
// module is loaded from the package folder (the working directory), each argument is a JSON
// document and the result is JSON-serialized. One argument per stdin line, one {"result": ...} or
// {"error": ...} per stdout line. argv: <module file> <export>.
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const [file, name] = process.argv.slice(2);
const path = resolve(file);
// A CommonJS bundle (DigitalOcean's index.js) imports as its module.exports, under `default`.
const mod = await import(pathToFileURL(path).href);
const fn = mod[name] ?? mod.default?.[name];
if (typeof fn !== "function") throw new Error(`${file} exports no function ${name}`);

for await (const line of createInterface({ input: process.stdin })) {
  let out;
  try {
    out = { result: JSON.parse(JSON.stringify(await fn(JSON.parse(line), { awsRequestId: "e2e" }))) };
  } catch (e) {
    out = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
