import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { UsageError } from "../errors.js";
import { checkVersion, COMMANDS, getInput, INPUTS, inputVariable, OUTPUTS, readInputs } from "./inputs.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface ActionYaml {
  inputs: Record<
    string,
    { description: string; required?: boolean; default?: string; deprecationMessage?: string }
  >;
  outputs: Record<string, { description: string; value?: string }>;
  runs: { using: string; main?: string; steps?: unknown[] };
}

const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as ActionYaml;

describe("action.yml matches src/ci/inputs.ts", () => {
  it("declares exactly the inputs of the code, with the same descriptions, defaults and deprecations", () => {
    expect(Object.keys(action.inputs).sort()).toEqual(INPUTS.map((i) => i.name).sort());
    for (const spec of INPUTS) {
      const declared = action.inputs[spec.name];
      expect(declared?.description, spec.name).toBe(spec.description);
      expect(declared?.default, spec.name).toBe(spec.default);
      expect(declared?.required ?? false, spec.name).toBe(spec.required ?? false);
      expect(declared?.deprecationMessage, spec.name).toBe(spec.deprecationMessage);
    }
  });

  it("declares exactly the outputs of the code, description only (a JavaScript action's outputs have no value:)", () => {
    expect(Object.keys(action.outputs).sort()).toEqual(OUTPUTS.map((o) => o.name).sort());
    for (const spec of OUTPUTS) {
      expect(action.outputs[spec.name]?.description, spec.name).toBe(spec.description);
      expect(action.outputs[spec.name]?.value, spec.name).toBeUndefined();
    }
  });

  it("is a node20 action whose main is the committed bundle of src/ci/action.ts", () => {
    expect(action.runs.using).toBe("node20");
    expect(action.runs.steps).toBeUndefined();
    expect(action.runs.main).toBe("action/dist/index.js");
    expect(existsSync(join(ROOT, action.runs.main ?? ""))).toBe(true);
    // The bundle's CLI entry beside it, which action.ts looks for.
    expect(existsSync(join(ROOT, "action/dist/bin/run.js"))).toBe(true);
  });

  it("names every command in the command input's description", () => {
    for (const c of COMMANDS) expect(INPUTS.find((i) => i.name === "command")?.description).toContain(c);
  });
});

describe("readInputs", () => {
  it("reads GitHub's spelling (INPUT_PLAN-FILE) and action.yml's (INPUT_PLAN_FILE)", () => {
    expect(inputVariable("plan-file")).toBe("INPUT_PLAN-FILE");
    expect(readInputs({ "INPUT_PLAN-FILE": "a.json" }).planFile).toBe("a.json");
    expect(readInputs({ INPUT_PLAN_FILE: "b.json" }).planFile).toBe("b.json");
    expect(getInput({ "INPUT_PLAN-FILE": " a.json ", INPUT_PLAN_FILE: "b.json" }, "plan-file")).toBe(
      "a.json",
    );
  });

  it("defaults to plan, splits files by line and targets by commas or space, drops empties", () => {
    const i = readInputs({
      INPUT_FILE: "apps/a/apiship.yaml\n\n apps/b/*.yaml \n",
      INPUT_TARGETS: "web, api\nworker",
      INPUT_ENVIRONMENT: "",
      INPUT_COMMENT: "TRUE",
    });
    expect(i).toEqual({
      command: "plan",
      files: ["apps/a/apiship.yaml", "apps/b/*.yaml"],
      targets: ["web", "api", "worker"],
      workingDirectory: ".",
      comment: true,
      commentOnMerge: false,
    });
  });

  it("refuses an unknown command or a non-boolean comment with a hint", () => {
    expect(() => readInputs({ INPUT_COMMAND: "apply" })).toThrow(UsageError);
    expect(() => readInputs({ INPUT_COMMAND: "apply" })).toThrow(
      /one of validate, plan, deploy, destroy, rollback, not "apply"/,
    );
    expect(() => readInputs({ INPUT_COMMENT: "yes" })).toThrow(/true or false/);
    expect(() => readInputs({ "INPUT_COMMENT-ON-MERGE": "1" })).toThrow(
      /comment-on-merge must be true or false/,
    );
  });

  it("destroy needs the environment, which becomes its confirmation", () => {
    expect(() => readInputs({ INPUT_COMMAND: "destroy" })).toThrow(/destroy needs the environment input/);
    expect(readInputs({ INPUT_COMMAND: "destroy", INPUT_ENVIRONMENT: "staging" }).environment).toBe(
      "staging",
    );
  });

  it("takes rollback-to as a release id, for rollback only; plan-file for plan and deploy only", () => {
    expect(readInputs({ INPUT_COMMAND: "rollback", "INPUT_ROLLBACK-TO": "12" }).rollbackTo).toBe(12);
    expect(() => readInputs({ INPUT_COMMAND: "rollback", "INPUT_ROLLBACK-TO": "v12" })).toThrow(
      /rollback-to must be a release id/,
    );
    expect(() => readInputs({ INPUT_COMMAND: "deploy", "INPUT_ROLLBACK-TO": "3" })).toThrow(
      /rollback-to applies to rollback, not to deploy/,
    );
    expect(() => readInputs({ INPUT_COMMAND: "validate", "INPUT_PLAN-FILE": "p.json" })).toThrow(
      /plan-file applies to plan and deploy, not to validate/,
    );
    expect(() => readInputs({ INPUT_COMMAND: "validate", INPUT_TARGETS: "web" })).toThrow(
      /targets does not apply/,
    );
  });
});

describe("the version input", () => {
  it("passes when empty or equal to the bundled version (a leading v allowed)", () => {
    expect(() => checkVersion(undefined, "0.1.0", {})).not.toThrow();
    expect(() => checkVersion("0.1.0", "0.1.0", {})).not.toThrow();
    expect(() => checkVersion("v0.1.0", "0.1.0", {})).not.toThrow();
  });

  it("refuses another version and says which ref bundles it", () => {
    const env = { GITHUB_ACTION_REPOSITORY: "acme/apiship" };
    expect(() => checkVersion("0.2.0", "0.1.0", env)).toThrow(UsageError);
    try {
      checkVersion("0.2.0", "0.1.0", env);
    } catch (e) {
      expect((e as UsageError).message).toBe("input version is 0.2.0, but this action runs apiship 0.1.0");
      expect((e as UsageError).hint).toContain("uses: acme/apiship@v0.2.0");
    }
  });
});
