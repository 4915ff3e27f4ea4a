// The plan's TypeScript types, inferred from the zod schema in schema.ts so the two can never
// disagree. Type-only: importing this file loads nothing at run time.

import type { z } from "zod";
import type {
  ChangeSchema,
  DriftSchema,
  PlanDiagnosticSchema,
  PlanSchema,
  SummarySchema,
  TargetEstimateSchema,
} from "./schema.js";

export type Plan = z.infer<typeof PlanSchema>;
export type Change = z.infer<typeof ChangeSchema>;
export type Drift = z.infer<typeof DriftSchema>;
export type PlanDiagnostic = z.infer<typeof PlanDiagnosticSchema>;
export type Summary = z.infer<typeof SummarySchema>;
export type TargetEstimate = z.infer<typeof TargetEstimateSchema>;
