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
  /** Set: the input is kept so that workflows passing it still run, and GitHub warns with this. */
  deprecationMessage?: string;
}

export const COMMANDS = ["validate", "plan", "deploy", "destroy", "rollback"] as const;
export type ActionCommand = (typeof COMMANDS)[number];

export const INPUTS: readonly InputSpec[] = [
  {
    name: "command",
    description:
      "validate, plan, deploy, destroy or rollback. destroy needs environment (repeated as --confirm); rollback runs with --yes.",
    default: "plan",
  },
  {
    name: "version",
    description:
      "The apiship version to run. The action bundles one version (the ref you pin in uses:); empty means that one, and any other fails the step with a hint.",
    default: "",
  },
  {
    name: "file",
    description: "Manifest files or globs, one per line (default: apiship.yaml in working-directory).",
    default: "",
  },
  {
    name: "environment",
    description: "Environment of the manifest (default: its defaultEnvironment; required for destroy).",
    default: "",
  },
  {
    name: "targets",
    description:
      "Only these targets, separated by commas or new lines (plan, destroy, rollback, or deploy without plan-file).",
    default: "",
  },
  {
    name: "plan-file",
    description: "plan: save the plan JSON here (--out). deploy: apply exactly this saved plan (--plan).",
    default: "",
  },
  {
    name: "rollback-to",
    description: "rollback: the release id to go back to (--to; default: the previous healthy release).",
    default: "",
  },
  {
    name: "state",
    description: "State store URL (sqlite:PATH, postgres://...); passed as APISHIP_STATE, never printed.",
    default: "",
  },
  {
    name: "working-directory",
    description: "Directory apiship runs in; paths in the other inputs are relative to it.",
    default: ".",
  },
  {
    name: "comment",
    description:
      "plan on a pull request: post the Markdown plan as one PR comment per stack, updated on each run.",
    default: "false",
  },
  {
    name: "comment-on-merge",
    description:
      "deploy or rollback on a push: comment the result on the pull request the pushed commit came from.",
    default: "false",
  },
  {
    name: "github-token",
    description: "Token for the PR comments (needs pull-requests: write).",
    default: "${{ github.token }}",
  },
  {
    name: "node-version",
    description: "Ignored: the action runs on the runner's Node.js 20 and installs nothing.",
    default: "",
    deprecationMessage:
      "node-version is ignored since the action is bundled (runs.using: node20); remove it from with:.",
  },
];

export interface OutputSpec {
  name: string;
  description: string;
}

/**
 * The outputs action.yml declares. A JavaScript action may also set outputs it does not declare,
 * which is how each target's endpoint gets one of its own (`endpoint-<target>`, see endpointOutputs).
 */
export const OUTPUTS = [
  {
    name: "has-changes",
    description: "true when the plan has changes, or the deploy, rollback or destroy changed a target.",
  },
  { name: "plan-file", description: "Absolute path of the saved or applied plan file, when there is one." },
  {
    name: "plan-json",
    description:
      "plan: absolute path of a file holding the plan as JSON ({plans: [...]}); a path, since a step's outputs are limited to 1 MB.",
  },
  {
    name: "plan-markdown",
    description:
      "plan: the plan in Markdown, as in the job summary, cut like a PR comment to 65,536 characters.",
  },
  {
    name: "endpoints",
    description:
      'JSON object: target → endpoint after a deploy or rollback ("stack:target" keys when several stacks); {} otherwise.',
  },
  {
    name: "release-id",
    description:
      "deploy, rollback, destroy: id of the release appended to the history (stack:id per line when several stacks).",
  },
  {
    name: "comment-url",
    description: "URL of each PR comment the run created or updated, one per line.",
  },
  {
    name: "summary",
    description: "One line per stack: what the plan would change or what the command did.",
  },
  { name: "exit-code", description: "apiship's exit code (0, 1, 2 for a plan with changes, 3, 130)." },
] as const satisfies readonly OutputSpec[];

export type OutputName = (typeof OUTPUTS)[number]["name"];

/** The environment variable GitHub sets for an input: upper case, spaces as "_", hyphens kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/**
 * An input's value, trimmed. The runner sets INPUT_PLAN-FILE for a JavaScript action; the
 * underscore spelling (INPUT_PLAN_FILE), which a shell can export, is read too, for running the
 * script by hand and for workflows written for the composite action this once was.
 */
export function getInput(env: Env, name: string): string {
  const hyphen = env[inputVariable(name)];
  const underscore = env[inputVariable(name).replace(/-/g, "_")];
  return (hyphen ?? underscore ?? "").trim();
}

export interface ActionInputs {
  command: ActionCommand;
  version?: string;
  files: string[];
  environment?: string;
  targets: string[];
  planFile?: string;
  rollbackTo?: number;
  state?: string;
  workingDirectory: string;
  comment: boolean;
  commentOnMerge: boolean;
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

function commandInput(env: Env): ActionCommand {
  const command = getInput(env, "command") || "plan";
  if ((COMMANDS as readonly string[]).includes(command)) return command as ActionCommand;
  throw new UsageError(`input command must be one of ${COMMANDS.join(", ")}, not "${command}"`, {
    hint: "set `command: plan` on pull requests and `command: deploy` on the protected branch",
  });
}

function releaseInput(env: Env): number | undefined {
  const v = getInput(env, "rollback-to");
  if (v === "") return undefined;
  if (/^[1-9]\d*$/.test(v)) return Number(v);
  throw new UsageError(`input rollback-to must be a release id (a positive whole number), not "${v}"`, {
    hint: "`apiship history --env <environment>` lists the releases and their ids",
  });
}

/** Inputs that only some commands take: given to another, they would be silently ignored. */
function checkApplies(inputs: ActionInputs): void {
  const only: [keyof ActionInputs, string, readonly ActionCommand[]][] = [
    ["planFile", "plan-file", ["plan", "deploy"]],
    ["rollbackTo", "rollback-to", ["rollback"]],
  ];
  for (const [key, name, commands] of only) {
    if (inputs[key] !== undefined && !commands.includes(inputs.command)) {
      throw new UsageError(`input ${name} applies to ${commands.join(" and ")}, not to ${inputs.command}`, {
        hint: `remove ${name} from the step's with:, or run ${commands.join(" or ")}`,
      });
    }
  }
  if (inputs.command === "validate" && inputs.targets.length > 0) {
    throw new UsageError("input targets does not apply to validate, which checks every target", {
      hint: "remove targets from the step's with:",
    });
  }
  if (inputs.command === "destroy" && !inputs.environment) {
    throw new UsageError("command: destroy needs the environment input", {
      hint: "name the environment to destroy (`environment: staging`): it is passed as --env and repeated as --confirm, so a destroy cannot run by accident",
    });
  }
}

export function readInputs(env: Env): ActionInputs {
  const optional = (name: string) => getInput(env, name) || undefined;
  const inputs: ActionInputs = {
    command: commandInput(env),
    files: getInput(env, "file")
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(nonEmpty),
    targets: getInput(env, "targets")
      .split(/[\s,]+/)
      .filter(nonEmpty),
    workingDirectory: getInput(env, "working-directory") || ".",
    comment: booleanInput(env, "comment", false),
    commentOnMerge: booleanInput(env, "comment-on-merge", false),
  };
  const extra = {
    version: optional("version"),
    environment: optional("environment"),
    planFile: optional("plan-file"),
    rollbackTo: releaseInput(env),
    state: optional("state"),
    githubToken: optional("github-token"),
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) Object.assign(inputs, { [k]: v });
  checkApplies(inputs);
  return inputs;
}

/**
 * The `version` input against the version this action bundles: equal (a leading "v" allowed)
 * or empty passes. Anything else is refused rather than fetched: the script reads the CLI's
 * JSON as this version writes it, and fetching another apiship would bring back the install the
 * bundle exists to avoid. The action's ref is the version.
 */
export function checkVersion(wanted: string | undefined, bundled: string, env: Env): void {
  if (wanted === undefined || wanted.replace(/^v/, "") === bundled) return;
  const repo = env.GITHUB_ACTION_REPOSITORY || "<owner>/apiship";
  throw new UsageError(`input version is ${wanted}, but this action runs apiship ${bundled}`, {
    hint: `the action bundles its apiship: pin the action to the release you want (uses: ${repo}@v${wanted.replace(/^v/, "")}) and remove version:, or set version: ${bundled}`,
  });
}
