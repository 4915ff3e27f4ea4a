import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  defineProvider,
  defineTarget,
  hasBehaviour,
  isDeployable,
  lazyTarget,
  platformInfo,
} from "./provider.js";
import type { PlatformInfo } from "./provider.js";
import { Registry } from "./registry.js";

const info: PlatformInfo = {
  id: "demo/fn",
  provider: "demo",
  platform: "fn",
  summary: "a demo platform",
  kinds: ["function"],
  options: z.record(z.string(), z.unknown()),
  limits: {},
  capabilities: { nativeRollback: null, coldStart: "none", scalesToZero: true },
  naming: { resource: "demo", maxLength: 63, lowercase: true, extraChars: "-", startsWithLetter: true },
};

const whole = defineTarget({
  ...info,
  createClients: () => ({}),
  read: () => Promise.resolve(undefined),
  plan: () => ({ changes: [] }),
  apply: () => Promise.resolve({ state: {}, outputs: {} }),
  destroy: () => Promise.resolve(),
  status: () => Promise.resolve({ health: "ready" as const }),
});

function registryOf(load: () => Promise<typeof whole>) {
  const mod = defineProvider({ id: "demo", summary: "demo", targets: [lazyTarget(info, load)] });
  return { mod, reg: new Registry({ demo: () => Promise.resolve(mod) }) };
}

describe("lazyTarget", () => {
  it("lists the descriptor alone and imports the behaviour once, on the first platform()", async () => {
    let loads = 0;
    const { reg } = registryOf(() => {
      loads++;
      return Promise.resolve(whole);
    });
    const listed = (await reg.provider("demo")).targets.fn;
    expect(listed && isDeployable(listed)).toBe(false);
    expect(listed && hasBehaviour(listed)).toBe(true);
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([reg.platform("demo", "fn"), reg.platform("demo", undefined)]);
    expect(a).toBe(whole);
    expect(b).toBe(whole);
    expect(loads).toBe(1);
  });

  it("refuses a loader that returns another platform's module", async () => {
    const { reg } = registryOf(() => Promise.resolve({ ...whole, id: "demo/other" }));
    await expect(reg.platform("demo", "fn")).rejects.toThrow(
      /platform demo\/fn loaded the module of demo\/other/,
    );
  });

  it("leaves a platform defined whole (a plugin's) as it is", async () => {
    const mod = defineProvider({ id: "demo", summary: "demo", targets: [whole] });
    const reg = new Registry({ demo: () => Promise.resolve(mod) });
    expect(await reg.platform("demo", "fn")).toBe(whole);
    expect(hasBehaviour(whole)).toBe(true);
  });
});

describe("platformInfo", () => {
  it("builds the options schema on its first read, once, through lazyTarget's copy too", async () => {
    let builds = 0;
    const { options: _schema, ...rest } = info;
    const lazyInfo = platformInfo({
      ...rest,
      options: () => {
        builds++;
        return z.strictObject({ region: z.string() });
      },
    });
    const mod = defineProvider({
      id: "demo",
      summary: "demo",
      targets: [lazyTarget(lazyInfo, () => Promise.resolve(whole))],
    });
    const listed = (await new Registry({ demo: () => Promise.resolve(mod) }).provider("demo")).targets.fn;
    expect(listed?.id).toBe("demo/fn");
    expect(builds).toBe(0);
    expect(listed?.options.safeParse({ region: "x" }).success).toBe(true);
    expect(lazyInfo.options).toBe(listed?.options);
    expect(builds).toBe(1);
  });
});

describe("Registry.addPlugins", () => {
  // Two plugin files that provide the same id, as a manifest's `plugins:` and APISHIP_PLUGINS may.
  async function pluginFiles(): Promise<{ dir: string; a: string; b: string }> {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "apiship-plugins-"));
    const body = (summary: string) =>
      `export default { id: "plug", summary: ${JSON.stringify(summary)}, targets: {} };\n`;
    await writeFile(join(dir, "a.mjs"), body("from a"));
    await writeFile(join(dir, "b.mjs"), body("from b"));
    return { dir, a: "./a.mjs", b: "./b.mjs" };
  }

  it("lets the plugin added last provide an id, also when it is one added before", async () => {
    const { dir, a, b } = await pluginFiles();
    const reg = new Registry({});
    await reg.addPlugins([a], dir);
    await reg.addPlugins([b], dir);
    expect((await reg.provider("plug")).summary).toBe("from b");
    await reg.addPlugins([a], dir);
    expect((await reg.provider("plug")).summary).toBe("from a");
  });
});
