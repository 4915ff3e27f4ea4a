import { createRequire as __apishipRequire } from 'node:module'; import { fileURLToPath as __apishipPath } from 'node:url'; const require = __apishipRequire(import.meta.url); const __filename = __apishipPath(import.meta.url); const __dirname = __apishipPath(new URL('.', import.meta.url));
import{a as r}from"./chunk-V647AVCW.js";function p(n=process.stdout,t=process.env){return t.NO_COLOR!==void 0&&t.NO_COLOR!==""?!1:t.FORCE_COLOR!==void 0&&t.FORCE_COLOR!=="0"?!0:n.isTTY===!0&&t.TERM!=="dumb"}r(p,"colorEnabled");function f(n=process.env){return process.stdin.isTTY===!0&&process.stdout.isTTY===!0&&!n.CI}r(f,"interactive");var d={bold:[1,22],dim:[2,22],red:[31,39],green:[32,39],yellow:[33,39],cyan:[36,39]};function a(n){return(t,e)=>n?`\x1B[${d[t][0]}m${e}\x1B[${d[t][1]}m`:e}r(a,"paint");function g(n){process.stdout.write(n.endsWith(`
`)?n:`${n}
`)}r(g,"out");function l(n){process.stderr.write(n.endsWith(`
`)?n:`${n}
`)}r(l,"err");function O(n,t=!1,e=process.stdout.isTTY===!0){process.stdout.write(`${t||!e?JSON.stringify(n):JSON.stringify(n,null,2)}
`)}r(O,"printJson");function b(n,t){let e=t?[t,...n]:n,u=[];for(let s of e)s.forEach((i,o)=>u[o]=Math.max(u[o]??0,i.length));let c=r(s=>s.map((i,o)=>o===s.length-1?i:i.padEnd(u[o]??0)).join("  ").trimEnd(),"line");return e.map(c).join(`
`)}r(b,"table");export{p as a,f as b,a as c,g as d,l as e,O as f,b as g};
