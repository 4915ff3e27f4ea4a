// The health check of a staging slot before it is swapped in: the engine's own HTTP check
// (src/apply/health.ts), pointed at the slot's URL. A slot that never gets healthy is not
// swapped, so production keeps serving the release it had. The slot's host is the platform's
// name for it, so the probe dials by APISHIP_CONNECT_TO like every other call to such a host:
// behind an emulator or a private endpoint a slot fails from what it answers, not from DNS.

import { checkHealth, describeHealth } from "../../src/apply/health.js";
import type { HealthSpec } from "../../src/manifest/types.js";
import { ProviderError } from "../../src/errors.js";
import type { AzCtx } from "./resource-group.js";

export async function probeSlot(ctx: AzCtx, base: string, spec: HealthSpec, slot: string): Promise<void> {
  const target = ctx.target.name;
  const r = await checkHealth(base, spec, { signal: ctx.signal, connectTo: ctx.clients.connectTo });
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
