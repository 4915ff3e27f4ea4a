// One HTTP handler for every function platform: apiship's adapters call it with a
// Lambda-style event ({ rawPath, queryStringParameters, body }) and send back what it returns.

export async function handler(event = {}) {
  const path = event.rawPath ?? event.path ?? "/";
  if (path === "/healthz") return json(200, { status: "ok" });
  const name = event.queryStringParameters?.name ?? "world";
  return json(200, { message: `hello, ${name}`, path });
}

function json(statusCode, body) {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
