// A Hono app: Hono's default export has a `fetch(request)` method, the portable contract, so with
// `function.interface: portable` apiship bundles it (and Hono with it) with each platform's
// generated entry, and this code runs unchanged on every function platform.
import { Hono } from "hono";

const app = new Hono();

app.get("/healthz", (c) => c.json({ status: "ok" }));

app.get("/hello/:name", (c) => c.json({ message: `hello, ${c.req.param("name")}`, path: c.req.path }));

export default app;
