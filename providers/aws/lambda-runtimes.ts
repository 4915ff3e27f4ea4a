// Lambda's runtimes in the manifest's neutral vocabulary and their spelling in the API. Kept out
// of lambda.ts so the behaviour modules can use it without importing the descriptor (a cycle).

import { mapRuntime } from "../_shared/options.js";

// Non-deprecated members of the model's `Runtime` enum (lambda-2015-03-31.json), as neutral ids.
// Left out: every runtime AWS has deprecated (nodejs ≤18, python ≤3.9, java8/java8.al2,
// dotnet ≤6, go1.x, ruby ≤3.2), and the OS-only provided.* runtimes, which need a compiled
// `bootstrap` that apiship's function build does not produce (Go belongs there, so no go*).
export const LAMBDA_RUNTIMES = [
  "nodejs20",
  "nodejs22",
  "python3.10",
  "python3.11",
  "python3.12",
  "python3.13",
  "java11",
  "java17",
  "java21",
  "dotnet8",
  "ruby3.3",
  "ruby3.4",
] as const;

/** The model's spelling: nodejs22 → "nodejs22.x", python3.12 → "python3.12", java21 → "java21". */
export function runtimeId(neutral: string): string {
  return mapRuntime("aws/lambda", LAMBDA_RUNTIMES, neutral, (r) =>
    r.language === "nodejs" ? `nodejs${r.major}.x` : neutral,
  );
}
