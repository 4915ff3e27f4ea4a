// The petstore of openapi.yaml as one portable fetch handler (README "Function code"): the same
// code runs on this machine (local/process) and on every function platform. Pets live in memory,
// so each release starts with the same three.

/* global Response -- a Web global of Node.js 18 and later */

const pets = [
  { id: 1, name: "Tom", species: "cat", tag: null },
  { id: 2, name: "Rex", species: "dog", tag: "good boy" },
  { id: 3, name: "Nemo", species: "fish", tag: null },
];

const json = (body, status = 200) => Response.json(body, { status });

function stats() {
  const species = {};
  for (const p of pets) species[p.species] = (species[p.species] ?? 0) + 1;
  return { count: pets.length, species };
}

async function create(request) {
  const body = await request.json().catch(() => undefined);
  if (!body || typeof body.name !== "string" || !["cat", "dog", "fish"].includes(body.species))
    return json({ message: "name and species (cat, dog, fish) are required" }, 400);
  const pet = {
    id: Math.max(0, ...pets.map((p) => p.id)) + 1,
    name: body.name,
    species: body.species,
    tag: null,
  };
  pets.push(pet);
  return json(pet, 201);
}

export async function handler(request) {
  const { pathname, searchParams } = new URL(request.url);
  const method = request.method;
  if (pathname === "/healthz") return json({ status: "ok" });
  if (pathname === "/stats" && method === "GET") return json(stats());
  if (pathname === "/pets" && method === "GET") {
    const limit = Number(searchParams.get("limit") ?? pets.length);
    return json(pets.slice(0, limit));
  }
  if (pathname === "/pets" && method === "POST") return create(request);
  const match = /^\/pets\/(\d+)$/.exec(pathname);
  const index = match ? pets.findIndex((p) => p.id === Number(match[1])) : -1;
  if (match && index < 0) return json({ message: `no pet ${match[1]}` }, 404);
  if (match && method === "GET") return json(pets[index]);
  if (match && method === "DELETE") {
    pets.splice(index, 1);
    return new Response(null, { status: 204 });
  }
  return json({ message: `no route for ${method} ${pathname}` }, 404);
}
