// Saved plans (`plan --out FILE`, `deploy --plan FILE`). Writing is one JSON document with a
// trailing newline; reading validates it against the same zod schema that produced
// schema/plan.schema.json, and a plan whose stack, state serial or manifest moved is refused.

import { readFile, writeFile } from "node:fs/promises";
import { PlanStaleError, UsageError } from "../errors.js";
import type { Plan } from "./types.js";

/** The plan file's text: the same plan gives the same bytes. */
export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  try {
    await writeFile(path, serializePlan(plan), "utf8");
  } catch (e) {
    throw new UsageError(`cannot write the plan to ${path}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
      hint: "check that the folder exists and is writable",
    });
  }
}

/** Reads and validates a saved plan; UsageError for a missing or malformed file, PlanStaleError for another format. */
export async function readPlanFile(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the plan file ${path}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
      hint: "pass a file written by `apiship plan --out FILE`",
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path} is not JSON, so not an apiship plan`, {
      cause: e,
      hint: "pass a file written by `apiship plan --out FILE`",
    });
  }
  // Loaded here: the zod plan schema is built only when a saved plan is read back.
  const { parsePlan } = await import("./schema.js");
  return parsePlan(value, path);
}

export interface CurrentInputs {
  stack: string;
  stateSerial: number;
  manifestSha256: string;
}

/** Refuses a saved plan made for another stack, or from a state or manifest that has moved since. */
export function assertPlanCurrent(plan: Plan, now: CurrentInputs): void {
  const replan = "run `apiship plan --out FILE` again and review the new plan";
  if (plan.stack !== now.stack) {
    throw new UsageError(`the plan is for stack ${plan.stack}, not ${now.stack}`, {
      hint: "pass the --env the plan was made for",
    });
  }
  if (plan.stateSerial !== now.stateSerial) {
    throw new PlanStaleError(
      `the state of ${now.stack} moved since the plan was made (serial ${plan.stateSerial} → ${now.stateSerial})`,
      { hint: replan },
    );
  }
  if (plan.manifest.sha256 !== now.manifestSha256) {
    throw new PlanStaleError(`the manifest ${plan.manifest.path} changed since the plan was made`, {
      hint: replan,
    });
  }
}
