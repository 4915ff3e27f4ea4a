// `npm run bench`: every benchmark the issues ask for, printed as tables. Figures only; no
// benchmark fails the build (tests never assert wall-clock time). `npm run bench -- NAME`
// runs one of them.
import { runPlanScale } from "./plan-scale.js";
import { runStartup } from "./startup.js";

const benches = { startup: runStartup, "plan-scale": runPlanScale };
const only = process.argv[2];
for (const [name, run] of Object.entries(benches)) if (!only || only === name) await run();
