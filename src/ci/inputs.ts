// The GitHub Action's inputs and outputs (action.yml declares the same lists; a test holds the
// two together) and how the script reads the inputs from its environment.

import { UsageError } from "../errors.js";
import type { Env } from "./annotations.js";

export interface InputSpec {
  name: string;
  description: string;
  /** The default action.yml declares; undefined: none. */
  default?: string;
  required?: boolean;
  /** "setup": consumed by action.yml's own steps, never by the script. */
  usedBy: "script" | "setup";
}

export const INPUTS: readonly InputSpec[] = [
  { name: "command", description: "plan or deploy.", default: "plan", usedBy: "script" },
  {
    name: "file",
    description: "Manifest files or globs, one per line (default: apiship.yaml in working-directory).",
    default: "",
    usedBy: "script",
  },
  {
    name: "environment",
    description: "Environment of the manifest (default: its defaultEnvironment).",
    default: "",
    usedBy: "script",
  },
  {
    name: "targets",
    description: "Only these targets, separated by commas or new lines (plan, or deploy without plan-file).",
    default: "",
    usedBy: "script",
  },
  {
    name: "plan-file",
    description: "plan: save the plan JSON here (--out). deploy: apply exactly this saved plan (--plan).",
    default: "",
    usedBy: "script",
  },
  {
    name: "state",
    description: "State store URL (sqlite:PATH, postgres://...); passed as APISHIP_STATE, never printed.",
    default: "",
    usedBy: "script",
  },
  {
    name: "working-directory",
    description: "Directory apiship runs in; paths in the other inputs are relative to it.",
    default: ".",
    usedBy: "script",
  },
  {
    name: "comment",
    description:
      "plan on a pull request: post the Markdown plan as one PR comment per stack, updated on each run.",
    default: "false",
    usedBy: "script",
  },
  {
    name: "github-token",
    description: "Token for the PR comment (needs pull-requests: write).",
    default: "${{ github.token }}",
    usedBy: "script",
  },
  { name: "node-version", description: "Node.js version to run apiship on.", default: "22", usedBy: "setup" },
];

export interface OutputSpec {
  name: string;
  description: string;
}

export const OUTPUTS = [
  {
    name: "has-changes",
    description: "true when the plan has changes (plan) or changes were applied (deploy).",
  },
  { name: "plan-file", description: "Absolute path of the saved or applied plan file, when there is one." },
  {
    name: "endpoints",
    description:
      'JSON object: target → endpoint after a deploy ("stack:target" keys when several stacks); {} for plan.',
  },
  { name: "summary", description: "One line per stack: what the plan would change or what the deploy did." },
  { name: "exit-code", description: "apiship's exit code (0, 1, 2 for a plan with changes, 3, 130)." },
] as const satisfies readonly OutputSpec[];

export type OutputName = (typeof OUTPUTS)[number]["name"];

/** The environment variable GitHub sets for an input: upper case, spaces as "_", hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/**
 * An input's value, trimmed. A composite action passes its inputs through `env:` itself, and
 * action.yml spells them with underscores (shells cannot name a variable with a hyphen); a
 * JavaScript action's runner keeps the hyphen. Both spellings are read.
 */
export function getInput(env: Env, name: string): string {
  const hyphen = env[inputVariable(name)];
  const underscore = env[inputVariable(name).replace(/-/g, "_")];
  return (hyphen ?? underscore ?? "").trim();
}

export interface ActionInputs {
  command: "plan" | "deploy";
  files: string[];
  environment?: string;
  targets: string[];
  planFile?: string;
  state?: string;
  workingDirectory: string;
  comment: boolean;
  githubToken?: string;
}

const nonEmpty = (s: string) => s !== "";

function booleanInput(env: Env, name: string, fallback: boolean): boolean {
  const v = getInput(env, name);
  if (v === "") return fallback;
  if (["true", "True", "TRUE"].includes(v)) return true;
  if (["false", "False", "FALSE"].includes(v)) return false;
  throw new UsageError(`input ${name} must be true or false, not "${v}"`, {
    hint: `set \`${name}: true\` or \`${name}: false\` in the step's with:`,
  });
}

export function readInputs(env: Env): ActionInputs {
  const command = getInput(env, "command") || "plan";
  if (command !== "plan" && command !== "deploy") {
    throw new UsageError(`input command must be plan or deploy, not "${command}"`, {
      hint: "set `command: plan` on pull requests and `command: deploy` on the protected branch",
    });
  }
  const optional = (name: string) => getInput(env, name) || undefined;
  const inputs: ActionInputs = {
    command,
    files: getInput(env, "file")
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(nonEmpty),
    targets: getInput(env, "targets")
      .split(/[\s,]+/)
      .filter(nonEmpty),
    workingDirectory: getInput(env, "working-directory") || ".",
    comment: booleanInput(env, "comment", false),
  };
  const extra = {
    environment: optional("environment"),
    planFile: optional("plan-file"),
    state: optional("state"),
    githubToken: optional("github-token"),
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) Object.assign(inputs, { [k]: v });
  return inputs;
}
