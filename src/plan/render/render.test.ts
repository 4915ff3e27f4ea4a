// Golden tests: every fixtures/plans/<name>.json renders to <name>.human.txt and <name>.md.
// UPDATE_GOLDEN=1 npx vitest run src/plan/render rewrites the goldens; review the diff.
import { describe, it, expect } from "vitest";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { summarize } from "../assemble.js";
import { parsePlan } from "../schema.js";
import type { Plan } from "../types.js";
import { renderHuman } from "./human.js";
import { renderMarkdown } from "./markdown.js";

const dir = fileURLToPath(new URL("../../../fixtures/plans/", import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -".json".length))
  .sort();
const update = process.env.UPDATE_GOLDEN === "1";

function load(name: string): Plan {
  return parsePlan(JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")), `${name}.json`);
}

function golden(file: string, actual: string): void {
  const path = join(dir, file);
  if (update) writeFileSync(path, actual);
  expect(existsSync(path), `${file} is missing: run UPDATE_GOLDEN=1 npx vitest run src/plan/render`).toBe(
    true,
  );
  expect(actual).toBe(readFileSync(path, "utf8"));
}

/** Every string value of the plan at a sensitive path: none may be rendered. */
function sensitiveStrings(plan: Plan): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  for (const c of plan.changes) {
    for (const side of [c.before, c.after]) {
      for (const p of c.sensitivePaths)
        walk(p.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], side));
    }
  }
  return out.filter((s) => s.startsWith("hmac-sha256:"));
}

describe("plan fixtures", () => {
  it("exist", () => {
    expect(names).toEqual(expect.arrayContaining(["drift", "errors", "first-deploy", "mixed", "no-changes"]));
  });

  for (const name of names) {
    describe(name, () => {
      it("is a valid plan whose summary counts its changes", () => {
        const plan = load(name);
        expect(plan.summary).toEqual(summarize(plan.changes));
      });

      it("renders the human golden", () =>
        golden(`${name}.human.txt`, renderHuman(load(name), { color: false })));

      it("renders the markdown golden", () => golden(`${name}.md`, renderMarkdown(load(name))));

      it("never renders a secret fingerprint", () => {
        const plan = load(name);
        for (const out of [
          renderHuman(plan, { color: false }),
          renderHuman(plan, { color: true }),
          renderMarkdown(plan),
        ]) {
          for (const s of sensitiveStrings(plan)) expect(out).not.toContain(s.slice("hmac-sha256:".length));
        }
      });
    });
  }
});

const ESC = String.fromCharCode(27);
const ANSI_CODE = new RegExp(`${ESC}\\[[0-9;]*m`, "g");

describe("renderHuman", () => {
  it("colours only when asked", () => {
    const plan = load("mixed");
    expect(renderHuman(plan, { color: false })).not.toContain(ESC);
    const coloured = renderHuman(plan, { color: true });
    expect(coloured).toContain("\u001b[32m+\u001b[0m");
    expect(coloured.replace(ANSI_CODE, "")).toBe(renderHuman(plan, { color: false }));
  });

  it("marks the attribute that forces a replacement and counts every action", () => {
    const text = renderHuman(load("mixed"), { color: false });
    expect(text).toContain('~ authType = "NONE" → "AWS_IAM"  # forces replacement');
    expect(text).toContain("Plan: 0 to create, 1 to update, 1 to replace, 2 to delete.");
    expect(text.indexOf("Drift since last apply")).toBeLessThan(text.indexOf("apiship will perform"));
  });
});

describe("renderMarkdown", () => {
  it("gives each changed target one collapsible section and escapes HTML", () => {
    const plan = load("mixed");
    const md = renderMarkdown({
      ...plan,
      changes: plan.changes.map((c) => ({ ...c, target: c.target === "web" ? "<web>" : c.target })),
    });
    expect(md.match(/<details>/g)?.length).toBe(3);
    expect(md).toContain("<code>&lt;web&gt;</code>");
    expect(md).not.toMatch(/<code><web>|\(<web>\)/);
  });
});
