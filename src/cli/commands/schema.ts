import { renderSchemaFile } from "../../manifest/schema-file.js";
import { BaseCommand } from "../base-command.js";
import type { Outcome } from "../base-command.js";
import { registryWithPlugins } from "../context.js";

export default class Schema extends BaseCommand<object> {
  static override summary = "Print the JSON Schema of apiship.yaml.";
  static override description =
    "The same document is shipped as schema/apiship.schema.json; point your editor at it with the " +
    "modeline `# yaml-language-server: $schema=./node_modules/apiship/schema/apiship.schema.json` " +
    "for completion and checks. Includes the options of every platform and of loaded plugins.";
  static override examples = ["<%= config.bin %> schema > apiship.schema.json"];

  private text = "";

  protected async exec(): Promise<Outcome<object>> {
    await this.parse(Schema);
    this.text = await renderSchemaFile(await registryWithPlugins());
    return { result: JSON.parse(this.text) as object };
  }

  protected render(): string {
    return this.text.trimEnd();
  }
}
