// The CLI holds V8's young generation at its starting size (src/cli/v8-flags.ts): a plan of many
// manifests would otherwise grow it to 2 × 16 MB of freshly faulted memory. A probe loaded with
// NODE_OPTIONS reports the young generation's size when the process exits.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiship, cleanup, ensureBuilt, tempDir, writeKubernetesManifests } from "./helpers.js";

const PROBE = `
import { getHeapSpaceStatistics } from "node:v8";
import { writeFileSync } from "node:fs";
process.on("exit", () => {
  const young = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  writeFileSync(process.env.PROBE_OUT, String(young.physical_space_size));
});
`;
const MANIFESTS = 25;
const MiB = 1 << 20;

let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = tempDir();
  writeFileSync(join(dir, "probe.mjs"), PROBE);
  writeKubernetesManifests(dir, MANIFESTS);
});
afterAll(cleanup);

/** The young generation's size at the end of an offline plan of every manifest. */
async function youngAfterPlan(nodeOptions: string): Promise<number> {
  const out = join(dir, "young.txt");
  const r = await apiship(
    [
      "plan",
      "--offline",
      "-f",
      `${dir}/*/apiship.yaml`,
      "--state",
      `sqlite:${join(dir, "state.db")}`,
      "--json",
    ],
    { cwd: dir, env: { NODE_OPTIONS: `--import=${join(dir, "probe.mjs")} ${nodeOptions}`, PROBE_OUT: out } },
  );
  expect(r.code, r.stderr).toBe(0);
  expect((JSON.parse(r.stdout) as { result: { plans: unknown[] } }).result.plans).toHaveLength(MANIFESTS);
  return Number(readFileSync(out, "utf8"));
}

describe("the young generation", () => {
  it("stays at its starting size through a plan of many manifests", async () => {
    expect(await youngAfterPlan("")).toBeLessThanOrEqual(4 * MiB);
  });

  it("grows as the user sized it when NODE_OPTIONS says so", async () => {
    expect(await youngAfterPlan("--max-semi-space-size=16")).toBeGreaterThan(4 * MiB);
  });
});
