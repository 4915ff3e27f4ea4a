import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { UsageError } from "../errors.js";
import { getInput, INPUTS, inputVariable, OUTPUTS, readInputs } from "./inputs.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: {
    using: string;
    steps: {
      id?: string;
      uses?: string;
      run?: string;
      env?: Record<string, string>;
      with?: Record<string, string>;
    }[];
  };
}

const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as ActionYaml;

describe("action.yml matches src/ci/inputs.ts", () => {
  it("declares exactly the inputs of the code, with the same descriptions and defaults", () => {
    expect(Object.keys(action.inputs).sort()).toEqual(INPUTS.map((i) => i.name).sort());
    for (const spec of INPUTS) {
      const declared = action.inputs[spec.name];
      expect(declared?.description, spec.name).toBe(spec.description);
      expect(declared?.default, spec.name).toBe(spec.default);
      expect(declared?.required ?? false, spec.name).toBe(spec.required ?? false);
    }
  });

  it("declares exactly the outputs of the code, each taken from the script's step", () => {
    expect(Object.keys(action.outputs).sort()).toEqual(OUTPUTS.map((o) => o.name).sort());
    for (const spec of OUTPUTS) {
      expect(action.outputs[spec.name]?.description, spec.name).toBe(spec.description);
      expect(action.outputs[spec.name]?.value).toBe(`\${{ steps.apiship.outputs.${spec.name} }}`);
    }
  });

  it("is a composite action whose script step gets every script input and runs the compiled entry", () => {
    expect(action.runs.using).toBe("composite");
    expect(action.runs.steps.some((s) => s.uses?.startsWith("actions/setup-node@"))).toBe(true);
    const step = action.runs.steps.find((s) => s.id === "apiship");
    const env = step?.env ?? {};
    const scriptInputs = INPUTS.filter((i) => i.usedBy === "script");
    expect(Object.keys(env).sort()).toEqual(
      scriptInputs.map((i) => inputVariable(i.name).replace(/-/g, "_")).sort(),
    );
    for (const i of scriptInputs) {
      const name = inputVariable(i.name).replace(/-/g, "_");
      expect(env[name]).toBe(`\${{ inputs.${i.name} }}`);
      // What the step passes is what the script reads.
      expect(getInput({ [name]: " x " }, i.name)).toBe("x");
    }
    const entry = /dist\/(src\/ci\/action)\.js/.exec(step?.run ?? "");
    expect(entry?.[1]).toBeDefined();
    // tsc -p tsconfig.build.json compiles src/ci/action.ts to exactly that path.
    expect(existsSync(join(ROOT, `${entry?.[1] ?? ""}.ts`))).toBe(true);
  });

  it("uses every setup input in action.yml itself", () => {
    const text = readFileSync(join(ROOT, "action.yml"), "utf8");
    for (const i of INPUTS.filter((x) => x.usedBy === "setup")) expect(text).toContain(`inputs.${i.name} }}`);
  });
});

describe("readInputs", () => {
  it("reads GitHub's spelling (INPUT_PLAN-FILE) and action.yml's (INPUT_PLAN_FILE)", () => {
    expect(inputVariable("plan-file")).toBe("INPUT_PLAN-FILE");
    expect(readInputs({ "INPUT_PLAN-FILE": "a.json" }).planFile).toBe("a.json");
    expect(readInputs({ INPUT_PLAN_FILE: "b.json" }).planFile).toBe("b.json");
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
    });
  });

  it("refuses an unknown command or a non-boolean comment with a hint", () => {
    expect(() => readInputs({ INPUT_COMMAND: "destroy" })).toThrow(UsageError);
    expect(() => readInputs({ INPUT_COMMAND: "destroy" })).toThrow(/plan or deploy/);
    expect(() => readInputs({ INPUT_COMMENT: "yes" })).toThrow(/true or false/);
  });
});
