// The conformance cases: one list of HTTP requests and the responses every runtime entry must
// produce, whichever platform hosts it. A host turns a WireRequest into its platform's input,
// runs the entry, and turns the platform's output back into a WireResponse; check() compares.
import { createHash } from "node:crypto";
import { DOWNLOAD } from "./data.js";

export interface WireRequest {
  method: string;
  /** Raw path and query, as a client sends them (percent-encoding kept). */
  target: string;
  /** Header lines; a name may repeat (each occurrence is its own line on the wire). */
  headers: [string, string][];
  body?: Uint8Array;
}

export interface WireResponse {
  status: number;
  /** Header lines as the client receives them (Set-Cookie once per cookie). */
  headers: [string, string][];
  body: Uint8Array;
}

export interface ExpectedCookie {
  nameValue: string;
  /** Attributes that must be present, lowercase (e.g. "httponly", "path=/"). */
  attributes: string[];
}

export interface ConformanceCase {
  name: string;
  request: WireRequest;
  /** The host puts its platform's prefix in front of the path (Hosting rewrite, route prefix, stage). */
  platformPrefix?: boolean;
  expect: {
    status: number;
    headers?: Record<string, string>;
    cookies?: ExpectedCookie[];
    json?: unknown;
    bytes?: Uint8Array;
    text?: string;
    emptyBody?: boolean;
  };
}

const enc = new TextEncoder();
const BINARY_UPLOAD = new Uint8Array(Array.from({ length: 1024 }, (_, i) => (i * 7 + 0x80) % 256));
const LARGE = new Uint8Array(5 * 1024 * 1024).fill(0x61);
for (let i = 0; i < LARGE.length; i += 4099) LARGE[i] = 0x30 + (i % 10);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export const CASES: readonly ConformanceCase[] = [
  {
    name: "GET with a query of repeated keys",
    request: {
      method: "GET",
      target: "/query?tag=a&tag=b&q=x%20y&empty=",
      headers: [["accept", "application/json"]],
    },
    expect: {
      status: 200,
      headers: { "content-type": "application/json" },
      json: {
        path: "/query",
        rawQuery: "tag=a&tag=b&q=x%20y&empty=",
        pairs: [
          ["tag", "a"],
          ["tag", "b"],
          ["q", "x y"],
          ["empty", ""],
        ],
      },
    },
  },
  {
    name: "JSON POST echoed",
    request: {
      method: "POST",
      target: "/echo-json",
      headers: [["content-type", "application/json"]],
      body: enc.encode(JSON.stringify({ name: "Zoë", list: [1, 2, 3], nested: { ok: true } })),
    },
    expect: {
      status: 200,
      json: {
        received: { name: "Zoë", list: [1, 2, 3], nested: { ok: true } },
        contentType: "application/json",
      },
    },
  },
  {
    name: "binary upload echoed back",
    request: {
      method: "POST",
      target: "/echo-binary",
      headers: [["content-type", "application/octet-stream"]],
      body: BINARY_UPLOAD,
    },
    expect: {
      status: 200,
      headers: { "content-type": "application/octet-stream", "x-length": "1024" },
      bytes: BINARY_UPLOAD,
    },
  },
  {
    name: "binary download",
    request: { method: "GET", target: "/download", headers: [] },
    expect: { status: 200, headers: { "content-type": "image/png" }, bytes: DOWNLOAD },
  },
  {
    name: "201 Created with Location",
    request: {
      method: "POST",
      target: "/items",
      headers: [["content-type", "application/json"]],
      body: enc.encode('{"name":"widget"}'),
    },
    expect: { status: 201, headers: { location: "/items/42" }, json: { id: 42, name: "widget" } },
  },
  {
    name: "204 No Content",
    request: { method: "DELETE", target: "/items/42", headers: [] },
    expect: { status: 204, headers: { "x-deleted": "42" }, emptyBody: true },
  },
  {
    name: "404 for an unknown path",
    request: { method: "GET", target: "/nope", headers: [] },
    expect: { status: 404, text: "not found" },
  },
  {
    name: "repeated request headers, cookies in, several Set-Cookie out",
    request: {
      method: "GET",
      target: "/headers",
      headers: [
        ["x-multi", "one"],
        ["x-multi", "two"],
        ["x-single", "solo"],
        ["cookie", "a=1; b=2"],
      ],
    },
    expect: {
      status: 200,
      headers: { vary: "accept, origin" },
      cookies: [
        { nameValue: "session=abc", attributes: ["path=/", "httponly"] },
        { nameValue: "theme=dark", attributes: ["path=/", "secure", "samesite=lax"] },
      ],
      json: { multi: ["one", "two"], cookies: ["a=1", "b=2"], single: "solo" },
    },
  },
  {
    name: "5 MB body",
    request: { method: "POST", target: "/large", headers: [["content-type", "text/plain"]], body: LARGE },
    expect: { status: 200, json: { length: LARGE.length, sha256: sha256(LARGE) } },
  },
  {
    name: "path with encoded characters (%20, %2F)",
    request: { method: "GET", target: "/path/a%20b/c%2Fd", headers: [] },
    expect: { status: 200, json: { path: "/path/a%20b/c%2Fd", rawQuery: "" } },
  },
  {
    name: "no platform prefix in the path the app sees",
    request: { method: "GET", target: "/whoami?from=prefix", headers: [] },
    platformPrefix: true,
    expect: { status: 200, json: { path: "/whoami", rawQuery: "from=prefix" } },
  },
];

/** All values of a header on a response, in order. */
export function headerValues(response: WireResponse, name: string): string[] {
  return response.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

const normalizeList = (value: string) =>
  value
    .split(",")
    .map((v) => v.trim())
    .join(", ");

/** What is wrong with a response for a case: [] when it conforms. */
export function check(c: ConformanceCase, response: WireResponse): string[] {
  const problems: string[] = [];
  const { expect } = c;
  if (response.status !== expect.status)
    problems.push(`status ${response.status}, expected ${expect.status}`);
  for (const [name, value] of Object.entries(expect.headers ?? {})) {
    const got = headerValues(response, name);
    const joined = normalizeList(got.join(", "));
    const ok = name === "content-type" ? joined.split(";")[0] === value : joined === value;
    if (!ok) problems.push(`header ${name}: ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`);
  }
  if (expect.cookies) {
    const lines = headerValues(response, "set-cookie");
    if (lines.length !== expect.cookies.length) {
      problems.push(
        `${lines.length} Set-Cookie header(s) ${JSON.stringify(lines)}, expected ${expect.cookies.length}`,
      );
    }
    for (const cookie of expect.cookies) {
      const line = lines.find((l) => l.split(";")[0]?.trim() === cookie.nameValue);
      if (!line) {
        problems.push(`no Set-Cookie ${cookie.nameValue} in ${JSON.stringify(lines)}`);
        continue;
      }
      const attributes = line
        .split(";")
        .slice(1)
        .map((a) => a.trim().toLowerCase());
      for (const attribute of cookie.attributes) {
        if (!attributes.includes(attribute))
          problems.push(`Set-Cookie ${cookie.nameValue} lacks ${attribute}: ${line}`);
      }
    }
  }
  const body = Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength);
  if (expect.json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      problems.push(`body is not JSON: ${JSON.stringify(body.subarray(0, 200).toString("utf8"))}`);
    }
    if (parsed !== undefined && JSON.stringify(parsed) !== JSON.stringify(expect.json)) {
      problems.push(`JSON body ${JSON.stringify(parsed)}, expected ${JSON.stringify(expect.json)}`);
    }
  }
  if (expect.bytes && !body.equals(Buffer.from(expect.bytes))) {
    problems.push(
      `body bytes differ: ${body.length} bytes (sha256 ${sha256(body)}), expected ${expect.bytes.length}`,
    );
  }
  if (expect.text !== undefined && body.toString("utf8") !== expect.text) {
    problems.push(
      `body ${JSON.stringify(body.subarray(0, 200).toString("utf8"))}, expected ${JSON.stringify(expect.text)}`,
    );
  }
  if (expect.emptyBody && body.length !== 0) problems.push(`body of ${body.length} bytes, expected none`);
  return problems;
}
