// What `apiship destroy` shows before it deletes anything (issue 22): per recorded target its
// platform, physical name, endpoint, release and the resources the state records, and on a
// terminal the question that takes the environment's name instead of --confirm.

import { createInterface } from "node:readline/promises";
import { splitRecordedState } from "../plan/assemble.js";
import type { StackState } from "../state/store.js";

export function destroyPreview(stackId: string, state: StackState | undefined, only?: string[]): string {
  const records = Object.values(state?.targets ?? {}).filter((r) => !only || only.includes(r.target));
  if (records.length === 0) return `${stackId}: nothing recorded, nothing to destroy.`;
  const lines = [`apiship destroy will delete, in ${stackId}:`];
  for (const r of records.sort((a, b) => (a.target < b.target ? -1 : 1))) {
    const where = [r.endpoint, r.release ? `release ${r.release}` : ""].filter(Boolean).join(", ");
    lines.push(`  - ${r.target} (${r.platform}) ${r.name}${where ? `: ${where}` : ""}`);
    for (const res of splitRecordedState(r.state).resources ?? [])
      lines.push(`      ${res.type} ${res.name}`);
  }
  return lines.join("\n");
}

/** Asks for the environment's name on a terminal; true when it was typed. */
export async function askEnvironmentName(env: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Type the environment's name (${env}) to destroy it: `);
    return answer.trim() === env;
  } finally {
    rl.close();
  }
}
