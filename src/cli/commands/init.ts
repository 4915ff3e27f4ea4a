import { existsSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
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
    "Asks for the kind and providers only on an interactive terminal; elsewhere it uses the flags " +
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
    const kind = (flags.kind ??
      (ask ? await prompt("Kind (function|container)", "container") : "container")) as Kind;
    if (kind !== "function" && kind !== "container") {
      throw new UsageError(`unknown kind "${kind}"`, { hint: "use function or container" });
    }
    const fits = providersFor(kind);
    const raw =
      flags.provider ??
      (ask ? await prompt(`Providers (${fits.join(",")})`, fits[0] ?? "") : defaultProvider(kind));
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

async function prompt(question: string, fallback: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [${fallback}]: `)).trim();
    return answer || fallback;
  } finally {
    rl.close();
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
