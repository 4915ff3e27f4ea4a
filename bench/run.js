// `npm run bench`: every benchmark the issues ask for, printed as tables. Figures only; no
// benchmark fails the build (tests never assert wall-clock time). `npm run bench -- NAME`
// runs one of them.
import { runAzureBench } from "./azure.js";
import { runDigitaloceanBench } from "./digitalocean.js";
import { runEcsBench } from "./ecs.js";
import { runFaultsBench } from "./faults.js";
import { runFirebaseBench } from "./firebase.js";
import { runFunctionsBench } from "./functions.js";
import { runGcpBench } from "./gcp.js";
import { runHerokuBench } from "./heroku.js";
import { runLambdaBench } from "./lambda.js";
import { runLocalBench } from "./local.js";
import { runOrchestration } from "./orchestration.js";
import { runPlanScale } from "./plan-scale.js";
import { runStartup } from "./startup.js";

const benches = {
  startup: runStartup,
  "plan-scale": runPlanScale,
  orchestration: runOrchestration,
  lambda: runLambdaBench,
  ecs: runEcsBench,
  azure: runAzureBench,
  gcp: runGcpBench,
  firebase: runFirebaseBench,
  digitalocean: runDigitaloceanBench,
  heroku: runHerokuBench,
  faults: runFaultsBench,
  functions: runFunctionsBench,
  local: runLocalBench,
};
const only = process.argv[2];
if (only && !(only in benches)) {
  console.error(`unknown benchmark "${only}"; known: ${Object.keys(benches).join(", ")}`);
  process.exit(1);
}
for (const [name, run] of Object.entries(benches)) if (!only || only === name) await run();
