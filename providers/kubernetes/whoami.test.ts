// whoami() of kubernetes/kubernetes against the fake API server through a kubeconfig: the
// context, server and user, proven by a namespaced list (limit 1), then GET /version; a missing
// kubeconfig (CREDENTIALS) and a server that does not answer. Reads only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ctxFor, targetOf } from "../../test/fakes/_shared/ctx.js";
import { startKubeFake } from "../../test/fakes/kubernetes/server.js";
import type { RunningKubeFake } from "../../test/fakes/kubernetes/server.js";
import { kubernetes } from "./kubernetes.js";

const ONCE = { maxAttempts: 1, baseMs: 1, capMs: 1, maxWaitMs: 1 };
let fake: RunningKubeFake;
let dir: string;
beforeEach(async () => {
  fake = await startKubeFake();
  dir = mkdtempSync(join(tmpdir(), "apiship-kube-whoami-"));
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function whoami(options: Record<string, unknown>, env: Record<string, string | undefined> = {}) {
  const t = targetOf("kubernetes/kubernetes", kubernetes.options.parse(options) as Record<string, unknown>);
  const clients = await kubernetes.createClients!({ target: t, env, retry: ONCE });
  return kubernetes.whoami!(ctxFor(clients, t));
}

describe("kubernetes whoami", () => {
  it("the context's user and server, a namespaced list, and the server's version", async () => {
    const kubeconfig = fake.writeKubeconfig(join(dir, "config"), { context: "dev" });
    const id = await whoami({ kubeconfig, namespace: "apis" });
    expect(id).toEqual({
      principal: "user fake",
      account: `context dev (${fake.url})`,
      detail: "may list Deployments in apis",
      reach: { ok: true, detail: "Kubernetes v1.30.5 answered" },
    });
    const sent = fake.requests.map((r) => `${r.method} ${r.path}?${r.query.toString()}`);
    // client-node looks the kind up (discovery) before it lists.
    expect(sent).toEqual([
      "GET /apis/apps/v1?",
      "GET /apis/apps/v1/namespaces/apis/deployments?limit=1",
      "GET /version?",
    ]);
  });

  it("without a kubeconfig: CREDENTIALS naming what was tried", async () => {
    const e = await whoami({}, { HOME: dir }).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: "CREDENTIALS",
      message: expect.stringMatching(/\$KUBECONFIG \(unset\)/),
    });
  });

  it("a server that does not answer fails the credentials check with the network error", async () => {
    const kubeconfig = fake.writeKubeconfig(join(dir, "config"));
    await fake.close();
    const e = await whoami({ kubeconfig }).catch((x: unknown) => x);
    expect(e).toMatchObject({ message: expect.stringMatching(/^list Deployments in namespace default/) });
    fake = await startKubeFake();
  });
});
