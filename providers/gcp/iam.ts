// `access: public` on Cloud Run (and on the Run service under a 2nd-gen function): allUsers
// holds roles/run.invoker on the service; `private` removes exactly that member, leaving every
// other binding alone. setIamPolicy carries the etag getIamPolicy returned, so a concurrent
// change makes it fail with ABORTED (retryable) instead of being overwritten.

import type { IamPolicy, RunApi } from "./clients.js";
import { ALL_USERS, INVOKER_ROLE } from "./run-state.js";

export function isPublic(p: IamPolicy): boolean {
  return (p.bindings ?? []).some(
    (b) => b.role === INVOKER_ROLE && !b.condition && (b.members ?? []).includes(ALL_USERS),
  );
}

export function withPublic(p: IamPolicy, pub: boolean): IamPolicy {
  const bindings = (p.bindings ?? []).map((b) => ({ ...b, members: [...(b.members ?? [])] }));
  const invoker = bindings.find((b) => b.role === INVOKER_ROLE && !b.condition);
  if (pub) {
    if (invoker) invoker.members.push(ALL_USERS);
    else bindings.push({ role: INVOKER_ROLE, members: [ALL_USERS] });
  } else if (invoker) invoker.members = invoker.members.filter((m) => m !== ALL_USERS);
  const out: IamPolicy = { bindings: bindings.filter((b) => b.members.length > 0) };
  if (p.etag !== undefined && p.etag !== null) out.etag = p.etag;
  if (p.version) out.version = p.version;
  return out;
}

export async function readPublic(run: RunApi, service: string): Promise<boolean> {
  return isPublic(await run.getIamPolicy(service));
}

/** Grants or removes the public invoker; no call when it is already so. Returns whether it wrote. */
export async function ensurePublic(run: RunApi, service: string, pub: boolean): Promise<boolean> {
  const policy = await run.getIamPolicy(service);
  if (isPublic(policy) === pub) return false;
  await run.setIamPolicy(service, withPublic(policy, pub));
  return true;
}
