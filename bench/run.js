// `npm run bench`: every benchmark the issues ask for, printed as tables. Figures only; no
// benchmark fails the build (tests never assert wall-clock time).
import { runStartup } from "./startup.js";

const only = process.argv[2];
if (!only || only === "startup") runStartup();
