import { createRequire as __apishipRequire } from 'node:module'; import { fileURLToPath as __apishipPath } from 'node:url'; const require = __apishipRequire(import.meta.url); const __filename = __apishipPath(import.meta.url); const __dirname = __apishipPath(new URL('.', import.meta.url));
import{a}from"./chunk-YGWYW4MJ.js";import"./chunk-V647AVCW.js";export{a as openapi};
