import { createRequire as __apishipRequire } from 'node:module'; import { fileURLToPath as __apishipPath } from 'node:url'; const require = __apishipRequire(import.meta.url); const __filename = __apishipPath(import.meta.url); const __dirname = __apishipPath(new URL('.', import.meta.url));
import{a as t}from"./chunk-XJRPQC7E.js";var e=t("better-sqlite3","12.11.1"),m=e;export{m as a};
