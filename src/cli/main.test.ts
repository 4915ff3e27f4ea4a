import { describe, expect, it } from "vitest";
import { COMMANDS as CLASSES } from "./commands/index.js";
import { COMMANDS } from "./main.js";

describe("the CLI's command table (dist/apiship.js)", () => {
  it("has a stand-in for every command class the manifest is written from, and no other", () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(Object.keys(CLASSES).sort());
  });

  it("runs the real class, under the id and plugin oclif gave the stand-in", async () => {
    const stand = { ...COMMANDS.providers, id: "providers", plugin: { name: "apiship" } };
    const real = CLASSES.providers as unknown as { id: string; plugin: unknown; run: unknown };
    const run = real.run;
    let seen: { id: string; plugin: unknown; argv: unknown } | undefined;
    real.run = function (this: typeof real, argv: unknown) {
      seen = { id: this.id, plugin: this.plugin, argv };
      return Promise.resolve();
    };
    try {
      await stand.run(["--json"]);
    } finally {
      real.run = run;
    }
    expect(seen).toEqual({ id: "providers", plugin: { name: "apiship" }, argv: ["--json"] });
  });
});
