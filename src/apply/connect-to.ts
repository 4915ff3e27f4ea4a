// APISHIP_CONNECT_TO: where the health probe connects, in curl's --connect-to syntax
// (HOST1:PORT1:HOST2:PORT2, comma-separated; an empty HOST1 or PORT1 matches any, an empty
// HOST2 or PORT2 keeps the URL's). The probe keeps its URL, Host header and TLS server name
// and only changes the address it dials, so an internal ALB, LocalStack's
// *.elb.localhost.localstack.cloud names on port 4566, or an emulator behind a port-forward
// can be checked from the deploying machine.

import { UsageError } from "../errors.js";

export interface ConnectRule {
  host: string;
  port: string;
  toHost: string;
  toPort: string;
}

export interface ConnectTarget {
  host: string;
  port: number;
}

const HINT =
  'APISHIP_CONNECT_TO takes HOST1:PORT1:HOST2:PORT2 rules, comma-separated, e.g. "::localhost:4566" or "api.internal:443:127.0.0.1:8443"';

/** `[::1]:80:h:p` → ["[::1]", "80", "h", "p"]: colons inside brackets are not separators. */
function fields(rule: string): string[] {
  const out: string[] = [];
  let cur = "";
  let bracket = false;
  for (const ch of rule) {
    if (ch === "[") bracket = true;
    if (ch === "]") bracket = false;
    if (ch === ":" && !bracket) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const unbracket = (h: string) => h.replace(/^\[(.*)\]$/, "$1");

export function parseConnectTo(value: string | undefined): ConnectRule[] {
  if (value === undefined || value.trim() === "") return [];
  return value
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean)
    .map((rule) => {
      const f = fields(rule);
      const [host = "", port = "", toHost = "", toPort = ""] = f;
      const badPort = [port, toPort].some((p) => p !== "" && !/^\d{1,5}$/.test(p));
      if (f.length !== 4 || badPort)
        throw new UsageError(`APISHIP_CONNECT_TO rule "${rule}" is not HOST1:PORT1:HOST2:PORT2`, {
          hint: HINT,
        });
      return { host: unbracket(host).toLowerCase(), port, toHost: unbracket(toHost), toPort };
    });
}

/** Where to dial for `url`: the first matching rule's address, or undefined to dial the URL's own. */
export function connectTargetFor(url: URL, rules: readonly ConnectRule[]): ConnectTarget | undefined {
  const host = unbracket(url.hostname).toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const rule = rules.find((r) => (r.host === "" || r.host === host) && (r.port === "" || r.port === port));
  if (!rule) return undefined;
  return { host: rule.toHost || host, port: Number(rule.toPort || port) };
}
