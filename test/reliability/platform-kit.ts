// What every entry of the fault-injection table (platforms.ts) is made of: the faults to inject,
// the running fakes of one platform with its project written to disk, and the pieces the
// builders share (the manifest, a loopback health server, fault knobs that can be switched off).
// Nothing here imports vitest or the e2e helpers: bench/faults.js bundles this file with esbuild
// and runs it outside the test runner.

import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { FaultKnobs } from "../fakes/_shared/server.js";
import { seeded } from "../fakes/_shared/server.js";

export interface Faults {
  /** Share of requests answered with the API's throttling response. */
  throttleRate: number;
  /** Share of the rest answered with a 5xx. */
  errorRate: number;
  /** Seeds the fakes' random source, so a run's faults can be replayed. */
  seed: number;
}

/** The manifest's environment: every project has one, `dev`, so `destroy --confirm dev`. */
export const ENVIRONMENT = "dev";
export const SECRET_VAR = "FAULTS_API_KEY";
export const SECRET_VALUE = "faults-secret-value-5e2c";

/** One platform's fakes, running, with its project written, ready for the CLI. */
export interface Site {
  /** Variables that point the CLI at the fake(s), plus the secret's value. */
  env: Record<string, string>;
  /** Control-plane requests the fakes received so far (health-check traffic left out). */
  apiRequests(): number;
  /** Switches the injected throttling and 5xx on or off (the seeded sequence goes on). */
  faults(on: boolean): void;
  /** What exists more than once though one deploy should make it once; empty when none. */
  duplicates(): string[];
  /** What apiship created that is still there; empty after a clean destroy. */
  leftovers(): string[];
  close(): Promise<void>;
}

export interface Platform {
  /** provider/platform, as `apiship providers` lists it. */
  id: string;
  /** The seed of this platform's faults: fixed, so a failure replays. */
  seed: number;
  /** Starts the fake(s) with `faults` on and writes the project (apiship.yaml, sources) in `dir`. */
  start(dir: string, faults: Faults): Promise<Site>;
}

/**
 * Fault knobs for one fake, and the switch that turns them off for the plan that follows the
 * deploy. Each fake of a site gets its own seeded sequence (seed + index), so two fakes serving
 * one run do not share draws.
 */
export class FaultSwitch {
  private readonly live: FaultKnobs[] = [];

  constructor(private readonly f: Faults) {}

  /** Knobs to hand to the n-th fake; the object handed in is kept and edited by `set`. */
  knobs(n = 0): FaultKnobs {
    return {
      throttleRate: this.f.throttleRate,
      errorRate: this.f.errorRate,
      random: seeded(this.f.seed + n),
    };
  }

  /** Registers the knobs object a fake reads live (its `knobs` property). */
  track(k: FaultKnobs): void {
    this.live.push(k);
  }

  set(on: boolean): void {
    for (const k of this.live) {
      k.throttleRate = on ? this.f.throttleRate : 0;
      k.errorRate = on ? this.f.errorRate : 0;
    }
  }
}

export interface ManifestOptions {
  /** `function: {...}` or `container: {...}` flow map. */
  code: string;
  /** The target's flow map, without the braces' name: `provider: aws, platform: lambda, ...`. */
  target: string;
  /** Health-check path (default /healthz). */
  healthPath?: string;
  /** Extra `service:` lines, indented by two spaces. */
  service?: string[];
}

/** Target name used by every project: physical names become faults-dev-t. */
export const TARGET = "t";

/**
 * apiship.yaml with one target, an `env:` secret, and a health check with more attempts at a
 * short interval: where the fake itself answers for the service, its probe meets the same
 * injected faults, and the check must not be what fails the run.
 */
export function manifestText(o: ManifestOptions): string {
  return [
    "apiVersion: apiship/v1",
    "name: faults",
    "service:",
    `  ${o.code}`,
    "  env: { LOG_LEVEL: info }",
    `  secrets: { API_KEY: "env:${SECRET_VAR}" }`,
    `  health: { path: ${o.healthPath ?? "/healthz"}, attempts: 8, interval: 50ms, timeout: 2s }`,
    ...(o.service ?? []),
    "targets:",
    `  ${TARGET}: { ${o.target} }`,
    "environments:",
    `  ${ENVIRONMENT}: { targets: [${TARGET}] }`,
    `defaultEnvironment: ${ENVIRONMENT}`,
    "",
  ].join("\n");
}

/** Writes apiship.yaml, and src/index.js for the platforms that take a function. */
export function writeProject(dir: string, manifest: string, handler = "exports.handler"): void {
  writeFileSync(join(dir, "apiship.yaml"), manifest);
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(
    join(dir, "src", "index.js"),
    `${handler} = async () => ({ statusCode: 200, body: "ok" });\n`,
  );
}

export interface Loopback {
  /** http://127.0.0.1:PORT/ */
  url: string;
  /** 127.0.0.1:PORT */
  host: string;
  close(): Promise<void>;
}

/** A server on 127.0.0.1 answering 200 to every path: stands in for a function, service or ALB. */
export async function loopbackHealth(): Promise<Loopback> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${host}/`,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** "what: n" for each count above `max`: the lines duplicates() reports. */
export function over(max: number, counts: Record<string, number>): string[] {
  return Object.entries(counts)
    .filter(([, n]) => n > max)
    .map(([what, n]) => `${what}: ${n}`);
}

/** "what: n" for each count above zero: the lines leftovers() reports. */
export function remaining(counts: Record<string, number>): string[] {
  return over(0, counts);
}

/** Items sharing a key more than once, as "label key ×n". */
export function repeated<T>(label: string, items: Iterable<T>, keyOf: (t: T) => string): string[] {
  const n = new Map<string, number>();
  for (const it of items) n.set(keyOf(it), (n.get(keyOf(it)) ?? 0) + 1);
  return [...n].filter(([, c]) => c > 1).map(([k, c]) => `${label} ${k} ×${c}`);
}
