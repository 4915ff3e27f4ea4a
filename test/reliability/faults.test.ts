// Issue 18, "Tests": every platform deploys once under seeded faults (20% throttling, 10% 5xx)
// through the built CLI and converges in that one run, with nothing made twice; the plan that
// follows (faults off) has nothing to do; a destroy under the same faults leaves nothing.
// The retries this needs happen in one layer, the client's, and each is a `retry` event on
// stdout: at least one must show, or no fault was injected and the test proved nothing.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeployCommandResult } from "../../src/cli/commands/deploy.js";
import type { DestroyCommandResult } from "../../src/cli/commands/destroy.js";
import { jsonStream } from "../e2e/deploy-helpers.js";
import type { RunResult } from "../e2e/helpers.js";
import { apiship, cleanup, ensureBuilt, tempDir } from "../e2e/helpers.js";
import { ENVIRONMENT, FAULTS, PLATFORMS } from "./platforms.js";

/**
 * Platforms that do not converge yet, with the call and error that stop them. They still run
 * and fail, visibly: this list only puts the reason in the test's name.
 */
// Platforms that do not converge yet, with the reason: none. (firebase/functions was here until a
// create answered 5xx was looked for before being sent again: providers/_shared/call-retry.ts.)
const KNOWN_FAILING: Record<string, string> = {};

/** The failed targets' errors and the tail of stderr: what a failing assertion should show. */
function why(r: RunResult): string {
  const lines = r.stdout.split("\n").filter((l) => l.startsWith('{"status"') || l.includes('"error"'));
  return `exit ${r.code}\n${lines.slice(-6).join("\n")}\nstderr:\n${r.stderr.split("\n").slice(-15).join("\n")}`;
}

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => cleanup());

describe.sequential("every platform converges under seeded faults", () => {
  for (const p of PLATFORMS) {
    const known = KNOWN_FAILING[p.id];
    const title = `${p.id} (seed ${p.seed}): one deploy converges, nothing twice, plan clean, destroy leaves nothing${known ? ` [KNOWN FAILING: ${known}]` : ""}`;
    it(
      title,
      async () => {
        const dir = tempDir("apiship-faults-");
        const site = await p.start(dir, { ...FAULTS, seed: p.seed });
        const cli = (args: string[]) => apiship(args, { cwd: dir, env: site.env });
        try {
          const deploy = await cli(["deploy", "--yes", "--json"]);
          expect(deploy.code, why(deploy)).toBe(0);
          const { events, envelope } = jsonStream<DeployCommandResult>(deploy);
          expect(envelope.status).toBe("ok");
          const targets = envelope.result?.stacks.flatMap((s) => s.deploy?.targets ?? []) ?? [];
          expect(targets.map((t) => t.status)).toEqual(["deployed"]);
          // The faults were there, and the client layer retried through them.
          expect(events.filter((e) => e.type === "retry").length).toBeGreaterThan(0);
          expect(site.duplicates()).toEqual([]);
          // The inventory sees what the deploy made, so an empty leftovers() later means something.
          expect(site.leftovers()).not.toEqual([]);

          site.faults(false);
          const plan = await cli(["plan", "--detailed-exitcode"]);
          expect(plan.code, `${plan.stdout}\n${plan.stderr}`).toBe(0);

          site.faults(true);
          const destroy = await cli(["destroy", "--confirm", ENVIRONMENT, "--json"]);
          expect(destroy.code, why(destroy)).toBe(0);
          const gone = jsonStream<DestroyCommandResult>(destroy).envelope;
          expect(gone.status).toBe("ok");
          expect(site.leftovers()).toEqual([]);
        } finally {
          await site.close();
        }
      },
      60_000,
    );
  }
});
