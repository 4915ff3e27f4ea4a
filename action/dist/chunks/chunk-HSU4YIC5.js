import { createRequire as __apishipRequire } from 'node:module'; import { fileURLToPath as __apishipPath } from 'node:url'; const require = __apishipRequire(import.meta.url); const __filename = __apishipPath(import.meta.url); const __dirname = __apishipPath(new URL('.', import.meta.url));
var o=1;export{o as a};
