// IAM policies of Run services (getIamPolicy / setIamPolicy of run-v2.json): bindings kept per
// service, each write answered with a new etag, and a write carrying a stale etag refused with
// 409 ABORTED, as Google's IAM does.

import type { GcpWorld, Json } from "./world.js";
import { GcpFault, rand } from "./world.js";

const clone = <T>(v: T): T => structuredClone(v);

/** getIamPolicy / setIamPolicy of a Run service, with the policy's own etag. */
export function getPolicy(world: GcpWorld, resource: string): Json {
  if (!world.services.has(resource)) throw new GcpFault("NOT_FOUND", `Resource ${resource} does not exist.`);
  const p = world.policies.get(resource);
  // An empty policy still has an etag (ACAB is the etag of "no bindings yet").
  return p ? clone(p) : { version: 1, etag: "ACAB" };
}

export function setPolicy(world: GcpWorld, resource: string, body: Json): Json {
  const have = getPolicy(world, resource);
  const policy = (body.policy as Json | undefined) ?? {};
  if (policy.etag !== undefined && policy.etag !== "" && policy.etag !== have.etag)
    throw new GcpFault(
      "ABORTED",
      "There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.",
    );
  const bindings = ((policy.bindings as Json[] | undefined) ?? []).filter(
    (b) => ((b.members as string[]) ?? []).length > 0,
  );
  const next: Json = {
    version: policy.version ?? 1,
    etag: Buffer.from(`${Date.now()}-${rand(4)}`).toString("base64"),
    ...(bindings.length > 0 ? { bindings } : {}),
  };
  world.policies.set(resource, next);
  return clone(next);
}
