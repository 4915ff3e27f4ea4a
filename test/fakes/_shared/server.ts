// A small framework for the stateful HTTP fakes of each control plane (DESIGN.md §8): a
// server on 127.0.0.1 with a random port, fault knobs (latency, errors, throttling, hangs,
// dropped connections), and `APISHIP_FAKE_LOG=FILE` writing every request as NDJSON.
// Each provider's fake supplies only the routing and the state of its API.

import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
  /** The body parsed as JSON when it is JSON, else undefined. */
  json: unknown;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface FaultKnobs {
  /** Added to every response, in milliseconds. */
  latencyMs?: number;
  /** Fraction of requests answered with a 500. */
  errorRate?: number;
  /** Fraction answered with the throttling response (default: 429 with Retry-After: 0). */
  throttleRate?: number;
  /** Fraction that never get an answer (until the client gives up). */
  hangRate?: number;
  /** Fraction whose connection is destroyed without a response. */
  dropRate?: number;
  /** Random source, so a test can make faults repeatable. */
  random?: () => number;
}

export interface FakeOptions {
  name: string;
  handler: FakeHandler;
  knobs?: FaultKnobs;
  /** How this API says "slow down" (AWS: 400 ThrottlingException; others: 429). */
  throttleResponse?: () => FakeResponse;
  /** How this API says "internal error". */
  errorResponse?: () => FakeResponse;
  /** Default: process.env.APISHIP_FAKE_LOG. */
  logFile?: string;
}

export interface RunningFake {
  url: string;
  port: number;
  /** Every request received, in order (credentials headers removed). */
  requests: FakeRequest[];
  knobs: FaultKnobs;
  close(): Promise<void>;
}

const SECRET_HEADERS =
  /^(authorization|x-amz-security-token|x-amz-content-sha256|cookie|proxy-authorization)$/i;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function toFakeRequest(req: IncomingMessage, body: Buffer): FakeRequest {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined && !SECRET_HEADERS.test(k)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  let json: unknown;
  if (body.length > 0 && /json/.test(headers["content-type"] ?? "")) {
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      json = undefined;
    }
  }
  return {
    method: req.method ?? "GET",
    path: decodeURIComponent(url.pathname),
    query: url.searchParams,
    headers,
    body,
    json,
  };
}

function send(res: ServerResponse, r: FakeResponse): void {
  const isBuffer = Buffer.isBuffer(r.body);
  const text =
    r.body === undefined ? "" : isBuffer || typeof r.body === "string" ? r.body : JSON.stringify(r.body);
  const headers = {
    ...(typeof r.body === "object" && !isBuffer ? { "content-type": "application/json" } : {}),
    ...r.headers,
  };
  res.writeHead(r.status, headers);
  res.end(text);
}

function log(file: string | undefined, name: string, req: FakeRequest): void {
  if (!file) return;
  const entry = {
    fake: name,
    at: new Date().toISOString(),
    method: req.method,
    path: req.path,
    query: Object.fromEntries(req.query),
    headers: req.headers,
    body: req.json ?? req.body.toString("utf8"),
  };
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFake(opts: FakeOptions): Promise<RunningFake> {
  const knobs: FaultKnobs = { ...opts.knobs };
  const requests: FakeRequest[] = [];
  const logFile = opts.logFile ?? process.env.APISHIP_FAKE_LOG;
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const fr = toFakeRequest(req, await readBody(req));
      requests.push(fr);
      log(logFile, opts.name, fr);
      const rnd = knobs.random ?? Math.random;
      if (knobs.latencyMs) await sleep(knobs.latencyMs);
      if (knobs.dropRate && rnd() < knobs.dropRate) return void req.socket.destroy();
      if (knobs.hangRate && rnd() < knobs.hangRate) return void hanging.add(res);
      if (knobs.throttleRate && rnd() < knobs.throttleRate) {
        return send(
          res,
          opts.throttleResponse?.() ?? {
            status: 429,
            headers: { "retry-after": "0" },
            body: { message: "slow down" },
          },
        );
      }
      if (knobs.errorRate && rnd() < knobs.errorRate) {
        return send(
          res,
          opts.errorResponse?.() ?? { status: 500, body: { message: "internal error (injected)" } },
        );
      }
      send(res, await opts.handler(fr));
    })().catch((e: unknown) => {
      if (!res.headersSent)
        send(res, { status: 500, body: { message: `fake ${opts.name} crashed: ${String(e)}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    knobs,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A random source from a seed (mulberry32), for repeatable fault injection. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
