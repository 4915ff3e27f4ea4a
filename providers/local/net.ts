// Ports on this machine, for the local platforms.

import { connect, createServer } from "node:net";

/** A port nothing listens on, chosen by the kernel. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** True when something accepts connections on host:port. */
export function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: reachable(host), port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
    sock.setTimeout(1000, () => done(false));
  });
}

/** A service listening on every interface is reached through loopback. */
const reachable = (host: string) => (host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host);

export function endpointOf(host: string, port: number): string {
  const h = reachable(host);
  return `http://${h.includes(":") ? `[${h}]` : h}:${port}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until host:port accepts connections; false when `gaveUp()` says stop or time runs out. */
export async function waitListening(host: string, port: number, timeoutMs: number, gaveUp: () => boolean) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline && !gaveUp();) {
    if (await listening(host, port)) return true;
    await sleep(50);
  }
  return false;
}
