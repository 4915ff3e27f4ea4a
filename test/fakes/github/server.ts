// A stateful fake of the GitHub REST API's issue comments, on 127.0.0.1: list (paginated),
// create, edit. It answers 401 to any token but the one it was started with, and `failWith`
// makes every request answer that status (a fork's read-only token gets 403).

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeComment {
  id: number;
  body: string;
  issue: number;
  html_url: string;
  /** Who wrote it: the workflow token writes as a bot. */
  user?: { login: string; type: "Bot" | "User" };
}

export interface FakeGitHub {
  url: string;
  comments: FakeComment[];
  /** Method and path (with query) of every request, in order; never the token. */
  requests: string[];
  failWith?: number;
  close(): Promise<void>;
}

const LIST = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/;
const EDIT = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/;

export async function fakeGitHub(opts: { token: string; repo: string }): Promise<FakeGitHub> {
  let nextId = 1000;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      state.requests.push(`${req.method ?? "GET"} ${url.pathname}${url.search}`);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (state.failWith) return reply(state.failWith, { message: "Resource not accessible by integration" });
      if (req.headers.authorization !== `Bearer ${opts.token}`)
        return reply(401, { message: "Bad credentials" });
      const list = LIST.exec(url.pathname);
      const edit = EDIT.exec(url.pathname);
      const repo = (list ?? edit)?.slice(1, 3).join("/");
      if (repo !== opts.repo) return reply(404, { message: "Not Found" });
      const body = chunks.length
        ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { body?: string })
        : {};
      if (list && req.method === "GET") {
        const perPage = Number(url.searchParams.get("per_page") ?? 30);
        const page = Number(url.searchParams.get("page") ?? 1);
        const all = state.comments.filter((c) => c.issue === Number(list[3]));
        return reply(200, all.slice((page - 1) * perPage, page * perPage));
      }
      if (list && req.method === "POST" && typeof body.body === "string") {
        const id = nextId++;
        const c: FakeComment = {
          id,
          body: body.body,
          issue: Number(list[3]),
          html_url: `https://github.test/c/${id}`,
          user: { login: "github-actions[bot]", type: "Bot" },
        };
        state.comments.push(c);
        return reply(201, c);
      }
      const existing = edit ? state.comments.find((c) => c.id === Number(edit[3])) : undefined;
      if (existing && req.method === "PATCH" && typeof body.body === "string") {
        existing.body = body.body;
        return reply(200, existing);
      }
      return reply(404, { message: "Not Found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const state: FakeGitHub = {
    url: `http://127.0.0.1:${port}`,
    comments: [],
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}
