// dialFetch against servers on 127.0.0.1: the platform's host name stays in the URL and the
// Host header while the connection goes where APISHIP_CONNECT_TO says; bodies, methods,
// headers, redirects and aborts behave as fetch's do.
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { parseConnectTo } from "../../src/apply/connect-to.js";
import { dialFetch } from "./dial.js";

interface Seen {
  method: string;
  url: string;
  host: string;
  headers: IncomingMessage["headers"];
  body: string;
}

const servers: { close(cb?: () => void): unknown }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(() => r(undefined)))));
});

async function serve(handle: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s = {
        method: req.method ?? "",
        url: req.url ?? "",
        host: req.headers.host ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(s);
      handle(req, res, s);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, seen };
}

describe("dialFetch", () => {
  it("dials the rule's address for a platform host name and keeps the URL and Host header", async () => {
    const { port, seen } = await serve((_req, res, s) => {
      res.writeHead(202, { "content-type": "application/json", location: "/api/deployments/latest" });
      res.end(JSON.stringify({ got: s.body.length }));
    });
    const f = dialFetch(parseConnectTo(`app.scm.azurewebsites.invalid:80:127.0.0.1:${port}`));
    const zip = Buffer.from("PK\u0003\u0004 not really a zip but bytes");
    const res = await f("http://app.scm.azurewebsites.invalid/api/publish?RemoteBuild=false", {
      method: "POST",
      body: zip,
      headers: { "content-type": "application/zip", authorization: "Bearer t" },
    });
    expect(res).toBeInstanceOf(Response);
    expect([res.status, res.headers.get("location")]).toEqual([202, "/api/deployments/latest"]);
    expect(await res.json()).toEqual({ got: zip.length });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: "POST",
      url: "/api/publish?RemoteBuild=false",
      host: "app.scm.azurewebsites.invalid",
      body: zip.toString("utf8"),
    });
    expect(seen[0]?.headers["content-type"]).toBe("application/zip");
    expect(seen[0]?.headers.authorization).toBe("Bearer t");
    expect(res.url).toBe("http://app.scm.azurewebsites.invalid/api/publish?RemoteBuild=false");
  });

  it("sends string and Uint8Array bodies, and a port in the URL reaches the Host header", async () => {
    const { port, seen } = await serve((_req, res) => res.end("ok"));
    const f = dialFetch(parseConnectTo(`:8080:127.0.0.1:${port}`));
    await f("http://api.example.invalid:8080/a", { method: "PUT", body: "text body" });
    await f(new URL("http://api.example.invalid:8080/b"), {
      method: "PATCH",
      body: new Uint8Array([104, 105]),
    });
    expect(seen.map((s) => [s.method, s.url, s.host, s.body])).toEqual([
      ["PUT", "/a", "api.example.invalid:8080", "text body"],
      ["PATCH", "/b", "api.example.invalid:8080", "hi"],
    ]);
    expect(seen[0]?.headers["content-type"]).toMatch(/^text\/plain/);
  });

  it("without a matching rule dials the URL's own host", async () => {
    const { port, seen } = await serve((_req, res) => res.end("plain"));
    const f = dialFetch(parseConnectTo("other.invalid:80:127.0.0.1:1"));
    const res = await f(`http://127.0.0.1:${port}/x`);
    expect(await res.text()).toBe("plain");
    expect(seen[0]?.host).toBe(`127.0.0.1:${port}`);
  });

  it("follows redirects through the rules, as fetch does; redirect: manual returns the 3xx", async () => {
    const { port, seen } = await serve((req, res) => {
      if (req.url === "/start") return void res.writeHead(303, { location: "/done" }).end();
      res.end(`at ${req.url ?? ""} via ${req.method ?? ""}`);
    });
    const f = dialFetch(parseConnectTo(`:80:127.0.0.1:${port}`));
    const followed = await f("http://site.invalid/start", { method: "POST", body: "x" });
    expect(await followed.text()).toBe("at /done via GET");
    const manual = await f("http://site.invalid/start", { redirect: "manual" });
    expect([manual.status, manual.headers.get("location")]).toEqual([303, "/done"]);
    expect(seen.map((s) => s.host)).toEqual(["site.invalid", "site.invalid", "site.invalid"]);
  });

  it("decodes a gzip body and gives 204 a null body", async () => {
    const { port } = await serve((req, res) => {
      if (req.url === "/empty") return void res.writeHead(204).end();
      res.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync("squeezed"));
    });
    const f = dialFetch(parseConnectTo(`:80:127.0.0.1:${port}`));
    expect(await (await f("http://h.invalid/z")).text()).toBe("squeezed");
    const empty = await f("http://h.invalid/empty");
    expect([empty.status, empty.body]).toEqual([204, null]);
  });

  it("stops on the AbortSignal with its reason", async () => {
    const { port } = await serve(() => undefined);
    const f = dialFetch(parseConnectTo(`:80:127.0.0.1:${port}`));
    const ac = new AbortController();
    const pending = f("http://slow.invalid/", { signal: ac.signal });
    setTimeout(() => ac.abort(new Error("stopped by test")), 20);
    await expect(pending).rejects.toThrow("stopped by test");
  });

  it("over https sends the URL's host as the TLS server name to the rule's address", async () => {
    let servername: string | undefined;
    const tls = createTlsServer({
      SNICallback: (name, cb) => {
        servername = name;
        cb(new Error("no certificate in this test"), undefined);
      },
    });
    await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
    servers.push(tls);
    const port = (tls.address() as AddressInfo).port;
    const f = dialFetch(parseConnectTo(`app.scm.azurewebsites.invalid:443:127.0.0.1:${port}`));
    await expect(f("https://app.scm.azurewebsites.invalid/api/publish")).rejects.toThrow();
    expect(servername).toBe("app.scm.azurewebsites.invalid");
  });
});
