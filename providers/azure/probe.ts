// The health check of a staging slot before it is swapped in: the engine's own HTTP check
// (src/apply/health.ts), pointed at the slot's URL. A slot that never gets healthy is not
// swapped, so production keeps serving the release it had.

import { checkHealth, describeHealth } from "../../src/apply/health.js";
import type { HealthSpec } from "../../src/manifest/types.js";
import { ProviderError } from "../../src/errors.js";

export async function probeSlot(
  base: string,
  spec: HealthSpec,
  signal: AbortSignal,
  target: string,
  slot: string,
): Promise<void> {
  const r = await checkHealth(base, spec, { signal });
  if (r.ok) return;
  throw new ProviderError(
    `slot ${slot} failed its health check, so production was not swapped: ${describeHealth(r)}`,
    {
      code: "SLOT_UNHEALTHY",
      fault: "user",
      target,
      hint: "production still runs the previous release; check the image and its logs (`az webapp log tail --slot`), then deploy again",
    },
  );
}
