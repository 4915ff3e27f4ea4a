// Resolves the user's module into one fetch function: the neutral Node.js contract of apiship's
// function runtime. Every platform entry imports the user's code as the bare specifier
// `apiship:app` (aliased by esbuild at build time) and hands the module namespace to resolveFetch.
/* global Response -- Web globals of Node.js 20 */

/** @typedef {(request: Request) => Response | Promise<Response>} FetchHandler */

/**
 * Names what a module exports, for an error message.
 * @param {unknown} mod
 * @returns {string}
 */
function describeExports(mod) {
  if (mod === null || typeof mod !== "object") return `a ${mod === null ? "null" : typeof mod} value`;
  const names = Object.keys(mod);
  if (names.length === 0) return "nothing";
  return names
    .map((name) => {
      const value = /** @type {Record<string, unknown>} */ (mod)[name];
      const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
      return `"${name}" (${kind})`;
    })
    .join(", ");
}

/**
 * @param {unknown} value
 * @returns {value is { fetch: (request: Request) => Response | Promise<Response> }}
 */
function hasFetch(value) {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (/** @type {{ fetch?: unknown }} */ (value).fetch) === "function"
  );
}

/**
 * Picks the fetch handler out of the user's module: `handler` (a function, or an object with a
 * `fetch` method), else `default` with a `fetch` method (a Hono app), else a default function.
 * @param {unknown} mod the module namespace of `apiship:app`
 * @returns {FetchHandler}
 */
export function resolveFetch(mod) {
  const exports = /** @type {Record<string, unknown>} */ (mod ?? {});
  const named = exports.handler;
  if (typeof named === "function") return (request) => named(request);
  if (hasFetch(named)) return (request) => named.fetch(request);
  const fallback = exports.default;
  if (hasFetch(fallback)) return (request) => fallback.fetch(request);
  if (typeof fallback === "function") return (request) => fallback(request);
  throw new TypeError(
    `apiship: the function module exports ${describeExports(mod)}; expected a "handler" function ` +
      "(request: Request) => Response, a default export with a fetch(request) method (a Hono app), " +
      "or a default function. Code written for one platform's native signature needs " +
      "function.interface: native.",
  );
}

/**
 * @param {unknown} value
 * @returns {value is Response}
 */
function isResponse(value) {
  return (
    value instanceof Response ||
    (typeof value === "object" &&
      value !== null &&
      typeof (/** @type {{ status?: unknown }} */ (value).status) === "number" &&
      typeof (/** @type {{ headers?: { get?: unknown } }} */ (value).headers?.get) === "function" &&
      typeof (/** @type {{ arrayBuffer?: unknown }} */ (value).arrayBuffer) === "function")
  );
}

/**
 * Calls the app; an exception or a value that is not a Response becomes a logged 500, as a
 * server would answer, so one bad request never takes the platform's worker down.
 * @param {FetchHandler} fetchApp
 * @param {Request} request
 * @returns {Promise<Response>}
 */
export async function callApp(fetchApp, request) {
  try {
    const result = await fetchApp(request);
    if (isResponse(result)) return result;
    const got = result === null ? "null" : typeof result === "object" ? "an object" : typeof result;
    throw new TypeError(
      `apiship: the handler returned ${got}, not a Response. A Lambda-style ` +
        "{ statusCode, body } result needs function.interface: native.",
    );
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`apiship: ${request.method} ${new URL(request.url).pathname} failed: ${message}\n`);
    return new Response("Internal Server Error", {
      status: 500,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
}
