// An in-memory stand-in for the gcp/cloud-functions adapter, for the firebase tests that must
// run without it (the composition's contract with the Hosting fake): one function per name,
// whose "code" is the service's env and artifact hash. Also creates the Cloud Run service the
// Hosting CDN routes to, in the shape of the GCP fake's world.

import { z } from "zod";
import type { ResourceChange } from "../../../src/core/provider.js";
import type { FunctionAdapter } from "../../../providers/firebase/compose.js";
import type { Json } from "./world.js";

export interface StubFunctionState {
  name: string;
  region: string;
  code: string;
}

export function functionStub(services = new Map<string, Json>()): {
  fn: FunctionAdapter;
  functions: Map<string, StubFunctionState>;
  calls: string[];
} {
  const functions = new Map<string, StubFunctionState>();
  const calls: string[] = [];
  const opts = (o: Record<string, unknown>) => o as { project: string; region: string };
  const key = (o: Record<string, unknown>, name: string) =>
    `projects/${opts(o).project}/locations/${opts(o).region}/services/${name}`;
  const fn: FunctionAdapter = {
    options: z.object({
      project: z.string(),
      region: z.string(),
      ingress: z.string().default("all"),
      endpoint: z.string().optional(),
    }),
    createClients: () => ({}),
    read: async (ctx, _prior, name) => {
      calls.push("read");
      return functions.get(key(ctx.target.options, name));
    },
    plan: (req) => {
      const before = req.observed as StubFunctionState | undefined;
      const after = {
        name: req.name,
        region: opts(req.target.options).region,
        code: JSON.stringify(req.service.env),
      };
      const b = before ? { ...before } : null;
      const action = !b
        ? "create"
        : b.region !== after.region
          ? "replace"
          : b.code !== after.code
            ? "update"
            : "no-op";
      const c: ResourceChange = {
        type: "function",
        name: req.name,
        action,
        before: b,
        after,
        sensitivePaths: [],
        replacePaths: action === "replace" ? ["region"] : [],
        dependsOn: [],
      };
      return { changes: [c] };
    },
    apply: async (ctx, change) => {
      calls.push("apply");
      const s = change.changes[0]?.after as unknown as StubFunctionState;
      const k = key(ctx.target.options, change.name);
      functions.set(k, s);
      services.set(k, { name: k });
      return { state: s, outputs: {}, endpoint: `https://${s.name}-abc.a.run.app` };
    },
    destroy: async (ctx, s) => {
      calls.push("destroy");
      const st = s as StubFunctionState;
      const k = key(ctx.target.options, st.name);
      functions.delete(k);
      services.delete(k);
    },
    status: async (ctx, s) => ({
      health: functions.has(key(ctx.target.options, (s as StubFunctionState).name)) ? "ready" : "missing",
    }),
    rollback: async (ctx, _s, to) => {
      calls.push("rollback");
      const st = to as StubFunctionState;
      functions.set(key(ctx.target.options, st.name), st);
      return { state: st, outputs: {} };
    },
  };
  return { fn, functions, calls };
}
