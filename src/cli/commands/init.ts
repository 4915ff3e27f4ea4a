import { existsSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { Flags } from "@oclif/core";
import { UsageError } from "../../errors.js";
import type { NameRule } from "../../core/provider.js";
import { physicalName } from "../../manifest/names.js";
import type { Kind } from "../../manifest/types.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { providersFor, starterManifest, STARTERS } from "../init/template.js";
import { interactive } from "../output.js";

export interface InitResult {
  file: string;
  kind: Kind;
  providers: string[];
}

export default class Init extends BaseCommand<InitResult> {
  static override summary = "Write a commented starter apiship.yaml.";
  static override description =
    "On an interactive terminal it asks for the kind (a select) and the providers (a checkbox); elsewhere it uses the flags " +
    "(default: a container on kubernetes). Never overwrites an existing file without --force.";
  static override examples = [
    "<%= config.bin %> init",
    "<%= config.bin %> init --kind function --provider aws,gcp",
    "<%= config.bin %> init --kind container --provider kubernetes --file services/api/apiship.yaml",
  ];
  static override flags = {
    kind: Flags.string({ options: ["function", "container"], description: "What the service is." }),
    provider: Flags.string({
      description: `Comma-separated providers (${Object.keys(STARTERS).join(", ")}).`,
    }),
    name: Flags.string({ description: "Service name (default: the folder's name)." }),
    file: Flags.string({ char: "f", default: "apiship.yaml", description: "Where to write the manifest." }),
    force: Flags.boolean({ description: "Overwrite an existing file." }),
  };

  protected async exec(): Promise<Outcome<InitResult>> {
    const { flags } = await this.parse(Init);
    const file = resolve(flags.file);
    if (existsSync(file) && !flags.force) {
      throw new UsageError(`${flags.file} already exists`, { hint: "pass --force to overwrite it" });
    }
    const ask = interactive() && !this.jsonMode;
    const kind = (flags.kind ?? (ask ? await askKind() : "container")) as Kind;
    if (kind !== "function" && kind !== "container") {
      throw new UsageError(`unknown kind "${kind}"`, { hint: "use function or container" });
    }
    const fits = providersFor(kind);
    const raw = flags.provider ?? (ask ? (await askProviders(fits)).join(",") : defaultProvider(kind));
    // The prompts leave the terminal's stdin open: released, or the process would wait on it.
    if (ask) process.stdin.pause().unref();
    const providers = raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    for (const p of providers) {
      if (!fits.includes(p)) {
        throw new UsageError(`provider "${p}" has no starter for a ${kind}`, {
          hint: `choose from: ${fits.join(", ")}`,
        });
      }
    }
    if (providers.length === 0)
      throw new UsageError("no provider given", { hint: `choose from: ${fits.join(", ")}` });
    const name = slug(flags.name ?? basename(resolve(file, "..")));
    writeFileSync(file, starterManifest(name, kind, providers), { flag: flags.force ? "w" : "wx" });
    return { result: { file, kind, providers } };
  }

  protected render(r: InitResult): string {
    return `Wrote ${r.file} (${r.kind} on ${r.providers.join(", ")}).\nNext: apiship validate -f ${r.file}`;
  }
}

function defaultProvider(kind: Kind): string {
  return kind === "function" ? "aws" : "kubernetes";
}

// Select and checkbox prompts (@inquirer/prompts, loaded only on a terminal): choices, not typed
// names, so a typo cannot end the command; the checkbox asks again until one is ticked.
async function askKind(): Promise<Kind> {
  const { select } = await import("@inquirer/prompts");
  return cancellable(
    select<Kind>(
      {
        message: "What does the service run?",
        choices: [
          { name: "a container image", value: "container" },
          { name: "a function (Node.js fetch handler, Python ASGI app, ...)", value: "function" },
        ],
        default: "container",
      },
      { output: process.stderr },
    ),
  );
}

async function askProviders(fits: string[]): Promise<string[]> {
  const { checkbox } = await import("@inquirer/prompts");
  return cancellable(
    checkbox(
      {
        message: "Where should it deploy? (space to tick, enter to confirm)",
        choices: fits.map((p, i) => ({ name: p, value: p, checked: i === 0 })),
        required: true,
      },
      { output: process.stderr },
    ),
  );
}

/** Ctrl-C or a closed terminal at a prompt: a cancelled command, not a crash. */
async function cancellable<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (e) {
    if ((e as Error).name === "ExitPromptError")
      throw new UsageError("init cancelled at the prompt; nothing was written", {
        hint: "run it again, or give --kind and --provider to answer without prompts",
      });
    throw e;
  }
}

/** A manifest name (what the schema accepts: lowercase, digits, hyphens, a letter first, ≤ 40). */
const MANIFEST_NAME: NameRule = {
  resource: "manifest name",
  maxLength: 40,
  lowercase: true,
  extraChars: "-",
  startsWithLetter: true,
};

function slug(s: string): string {
  return physicalName(MANIFEST_NAME, [s]);
}
