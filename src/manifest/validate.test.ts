import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../errors.js";
import { fakeRegistry, validDoc } from "../../test/manifest/fake-registry.js";
import { validateDocument } from "./validate.js";

const FILE = "apiship.yaml";

async function validate(doc: unknown, env?: string) {
  return validateDocument(doc, { file: FILE, registry: fakeRegistry(), ...(env ? { env } : {}) });
}

/** The document of validDoc() with `edit` applied to it. */
// Tests reach deep into plain JSON documents; typing every level would hide what is tested.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function edited(edit: (d: Record<string, any>) => void): Record<string, unknown> {
  const d = validDoc();
  edit(d);
  return d;
}

function at(diags: Diagnostic[], path: string): Diagnostic {
  const found = diags.filter((d) => d.path === path);
  expect(found, `diagnostics at ${path}: ${JSON.stringify(diags, null, 2)}`).toHaveLength(1);
  return found[0] as Diagnostic;
}

function errors(diags: Diagnostic[]): Diagnostic[] {
  return diags.filter((d) => d.severity === "error");
}

describe("a valid manifest", () => {
  it("normalizes with defaults, one stack per environment", async () => {
    const r = await validate(validDoc());
    expect(r.diagnostics).toEqual([]);
    const m = r.manifest;
    expect(m).toBeDefined();
    if (!m) return;
    expect(m).toMatchObject({
      apiVersion: "apiship/v1",
      name: "sentiment-api",
      file: FILE,
      plugins: [],
      defaultEnvironment: "staging",
    });
    expect(m.environments).toEqual([
      { name: "staging", targets: ["cluster"] },
      { name: "production", targets: ["fargate", "cloudrun"] },
    ]);
    expect(m.stacks.map((s) => s.id)).toEqual(["sentiment-api/staging", "sentiment-api/production"]);
    const [staging, production] = m.stacks;
    expect(staging?.service).toEqual({
      kind: "container",
      container: { image: "ghcr.io/acme/sentiment-api:1.0", port: 8000 },
      env: { LOG_LEVEL: "info" },
      secrets: { HF_TOKEN: "env:HF_TOKEN", DB_URL: "aws-sm:prod/db-url" },
      resources: { cpu: 1, memory: 1024 },
      scaling: { min: 0, max: 10, concurrency: 80 },
      health: { path: "/healthz", status: 200, timeoutMs: 5000, attempts: 5, intervalMs: 2000 },
      access: "public",
      timeoutMs: 30_000,
    });
    expect(production?.service.scaling).toEqual({ min: 2, max: 10, concurrency: 80 });
    expect(production?.targets).toEqual([
      {
        name: "fargate",
        provider: "aws",
        platform: "ecs-fargate",
        options: { region: "us-east-1", cluster: "default" },
      },
      {
        name: "cloudrun",
        provider: "gcp",
        platform: "cloud-run",
        options: { project: "acme-ml", region: "eu-west-1" },
      },
    ]);
    expect(staging?.targets[0]).toMatchObject({ provider: "kubernetes", platform: "kubernetes" });
  });

  it("fills every default of a minimal function manifest", async () => {
    const r = await validate({
      apiVersion: "apiship/v1",
      name: "hello-fn",
      service: {
        function: { runtime: "nodejs20.x", handler: "index.handler" },
        env: { PORT: 8000, DEBUG: true },
      },
      targets: { lambda: { provider: "aws", platform: "lambda", region: "us-east-1" } },
    });
    expect(r.diagnostics).toEqual([]);
    const stack = r.manifest?.stacks[0];
    expect(r.manifest?.defaultEnvironment).toBe("default");
    expect(stack?.id).toBe("hello-fn/default");
    expect(stack?.service.function).toEqual({
      runtime: "nodejs20",
      handler: "index.handler",
      source: ".",
      interface: "portable",
    });
    expect(stack?.service.env).toEqual({ PORT: "8000", DEBUG: "true" });
    expect(stack?.service.resources).toEqual({ memory: 512 });
    expect(stack?.service.scaling).toEqual({ min: 0, max: 10 });
    expect(stack?.targets[0]?.options).toEqual({ region: "us-east-1", architecture: "x86_64" });
  });

  it("builds only the stack asked for, and honours defaultEnvironment", async () => {
    const r = await validate(
      edited((d) => (d.defaultEnvironment = "production")),
      "production",
    );
    expect(r.manifest?.defaultEnvironment).toBe("production");
    expect(r.manifest?.stacks.map((s) => s.environment)).toEqual(["production"]);
  });

  it("keeps going on warnings", async () => {
    const r = await validate(edited((d) => (d.targets.spare = { provider: "kubernetes", context: "dev" })));
    expect(r.manifest).toBeDefined();
    expect(at(r.diagnostics, "targets.spare")).toMatchObject({ severity: "warning", code: "unused-target" });
  });
});

describe("function.interface", () => {
  const fnDoc = (fn: Record<string, unknown>, envs?: Record<string, unknown>) => ({
    apiVersion: "apiship/v1",
    name: "hello-fn",
    service: { function: fn },
    targets: { fn: { provider: "gcp", platform: "cloud-functions", project: "acme", region: "us-east-1" } },
    ...(envs ? { environments: envs } : {}),
  });

  it("defaults to portable for Node.js and Python, and to native for runtimes without a neutral contract", async () => {
    for (const [runtime, expected] of [
      ["nodejs22", "portable"],
      ["python312", "portable"],
      ["go1.22", "native"],
    ] as const) {
      const r = await validate(fnDoc({ runtime, handler: "index.handler" }));
      expect(errors(r.diagnostics)).toEqual([]);
      expect(r.manifest?.stacks[0]?.service.function?.interface, runtime).toBe(expected);
    }
  });

  it("keeps interface: native, the opt-out for code written to one platform's signature", async () => {
    const r = await validate(fnDoc({ runtime: "nodejs22", handler: "index.handler", interface: "native" }));
    expect(r.manifest?.stacks[0]?.service.function?.interface).toBe("native");
  });

  it("is defaulted from the runtime an environment's override sets", async () => {
    const r = await validate(
      fnDoc(
        { runtime: "nodejs22", handler: "index.handler" },
        {
          web: { targets: ["fn"] },
          golang: { targets: ["fn"], service: { function: { runtime: "go1.22" } } },
        },
      ),
    );
    const ifaces = r.manifest?.stacks.map((st) => [st.environment, st.service.function?.interface]);
    expect(ifaces).toEqual([
      ["web", "portable"],
      ["golang", "native"],
    ]);
  });

  it("portable on a runtime without a neutral contract is an error at function.interface", async () => {
    const r = await validate(fnDoc({ runtime: "go1.22", handler: "main", interface: "portable" }));
    expect(r.manifest).toBeUndefined();
    const diag = at(r.diagnostics, "service.function.interface");
    expect(diag).toMatchObject({ severity: "error", code: "portable-unsupported" });
    expect(diag.message).toBe(
      "function.interface is portable, but Go (go1.22) has no portable interface: only Node.js (a fetch handler) and Python (an ASGI app) do",
    );
    expect(diag.hint).toMatch(/remove interface: portable \(native is the default for this runtime\)/);
  });
});

describe("a target's health block", () => {
  it("is kept out of the platform's options and reaches the target spec", async () => {
    const r = await validate(edited((d) => (d.targets.cluster.health = { probe: "platform" })));
    expect(errors(r.diagnostics)).toEqual([]);
    const t = r.manifest?.stacks[0]?.targets.find((x) => x.name === "cluster");
    expect(t?.health).toEqual({ probe: "platform" });
    expect(t?.options).not.toHaveProperty("health");
  });

  it("rejects an unknown probe with the path", async () => {
    const r = await validate(edited((d) => (d.targets.cluster.health = { probe: "tcp" })));
    expect(at(r.diagnostics, "targets.cluster.health.probe").message).toMatch(/http.*platform.*none/);
  });
});

describe("shape errors, in words a person understands", () => {
  it("unknown key, with a suggestion", async () => {
    const r = await validate(edited((d) => (d.targets.fargate.regoin = "us-east-1")));
    expect(r.manifest).toBeUndefined();
    const d = at(r.diagnostics, "targets.fargate.regoin");
    expect(d).toMatchObject({ severity: "error", code: "unknown-key", file: FILE });
    expect(d.message).toBe('unknown key "regoin" in targets.fargate (did you mean "region"?)');
    expect(d.hint).toBe("targets.fargate takes: region, cluster");
    expect(d.line).toBeUndefined();
  });

  it("wrong enum value lists the allowed values", async () => {
    const d = at((await validate(edited((d) => (d.service.access = "publc")))).diagnostics, "service.access");
    expect(d.message).toBe('service.access "publc" is not one of public, private (did you mean "public"?)');
    expect(d.hint).toBe("allowed values: public, private");
  });

  it("wrong type", async () => {
    const d = at(
      (await validate(edited((d) => (d.service.container.port = "http")))).diagnostics,
      "service.container.port",
    );
    expect(d).toMatchObject({
      code: "invalid-type",
      message: "service.container.port must be a number, but is text",
    });
    expect(d.hint).toContain("without quotes");
  });

  it("missing key", async () => {
    const r = await validate(edited((d) => (d.service = { function: { runtime: "nodejs20" } })));
    const d = at(r.diagnostics, "service.function.handler");
    expect(d).toMatchObject({ code: "missing-key", message: 'service.function is missing "handler"' });
  });

  it("number out of range", async () => {
    const d = at(
      (await validate(edited((d) => (d.service.scaling.min = -1)))).diagnostics,
      "service.scaling.min",
    );
    expect(d).toMatchObject({
      code: "out-of-range",
      message: "service.scaling.min must be at least 0 (it is -1)",
    });
  });

  it("a bad name says what a name may contain", async () => {
    const d = at((await validate(edited((d) => (d.name = "Sentiment_API")))).diagnostics, "name");
    expect(d.message).toBe(
      'name "Sentiment_API" must be lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
    );
    expect(d.hint).toContain("sentiment-api");
  });

  it("a wrong apiVersion", async () => {
    const d = at((await validate(edited((d) => (d.apiVersion = "v2")))).diagnostics, "apiVersion");
    expect(d).toMatchObject({
      message: 'apiVersion must be "apiship/v1"',
      hint: "write apiVersion: apiship/v1",
    });
  });

  it("a duration without a unit", async () => {
    const r = await validate(edited((d) => ((d.service.health.timeout = "5"), (d.service.timeout = 30))));
    expect(at(r.diagnostics, "service.health.timeout")).toMatchObject({
      message: 'service.health.timeout is not a valid duration: "5" has no unit',
      hint: 'did you mean "5s" or "5ms"?',
    });
    expect(at(r.diagnostics, "service.timeout").message).toBe(
      "service.timeout must be a duration in quotes with a unit",
    );
  });

  it("a platform's own option message is kept", async () => {
    const d = at(
      (await validate(edited((d) => (d.targets.fargate.region = "virginia")))).diagnostics,
      "targets.fargate.region",
    );
    expect(d.message).toBe('targets.fargate.region "virginia" must be a region such as "us-east-1"');
  });

  it("a document that is not a mapping", async () => {
    const r = await validate(["not", "a", "manifest"]);
    expect(r.diagnostics).toMatchObject([{ code: "not-a-mapping", path: "" }]);
  });
});

describe("validation beyond shape", () => {
  it("a runtime the platform does not run", async () => {
    const r = await validate(
      edited((d) => {
        d.service = { function: { runtime: "python3.8", handler: "app.handler" } };
        d.targets = { lambda: { provider: "aws", platform: "lambda", region: "us-east-1" } };
        delete d.environments;
      }),
    );
    const diag = at(r.diagnostics, "service.function.runtime");
    expect(diag.code).toBe("runtime-unsupported");
    expect(diag.message).toBe(
      'runtime "python3.8" is not run by target lambda (aws/lambda) (did you mean python3.12?)',
    );
    expect(diag.hint).toBe("target lambda (aws/lambda) runs: nodejs20, nodejs22, python3.11, python3.12");
  });

  it("a container on a function-only platform names the platforms that fit", async () => {
    const r = await validate(
      edited((d) => {
        d.targets.lambda = { provider: "aws", platform: "lambda", region: "us-east-1" };
        d.environments.staging.targets = ["lambda"];
      }),
    );
    const diag = at(r.diagnostics, "targets.lambda");
    expect(diag.code).toBe("kind-mismatch");
    expect(diag.message).toBe("target lambda (aws/lambda) cannot run a container: it takes function");
    expect(diag.hint).toBe(
      "platforms that take a container: aws/ecs-fargate, gcp/cloud-run, kubernetes/kubernetes",
    );
  });

  it("scaling min > max in the base service", async () => {
    const d = at(
      (await validate(edited((d) => (d.service.scaling = { min: 5, max: 3 })))).diagnostics,
      "service.scaling.min",
    );
    expect(d).toMatchObject({
      code: "scaling-min-max",
      message: "scaling.min (5) is greater than scaling.max (3)",
    });
  });

  it("scaling min > max from an environment's override points at the override", async () => {
    const r = await validate(edited((d) => (d.environments.production.service = { scaling: { min: 20 } })));
    const d = at(r.diagnostics, "environments.production.service.scaling.min");
    expect(d.message).toBe("scaling.min (20) is greater than scaling.max (10)");
    expect(r.diagnostics.some((x) => x.path === "service.scaling.min")).toBe(false);
  });

  it("an override that lowers max is the one blamed", async () => {
    const r = await validate(
      edited(
        (d) => ((d.service.scaling.min = 3), (d.environments.production.service = { scaling: { max: 2 } })),
      ),
    );
    expect(at(r.diagnostics, "environments.production.service.scaling.max").code).toBe("scaling-min-max");
  });

  it("memory and cpu outside the platform's range", async () => {
    const r = await validate(edited((d) => (d.service.resources = { cpu: 32, memory: 256 })));
    const mem = at(r.diagnostics, "service.resources.memory");
    expect(mem.code).toBe("memory-out-of-range");
    expect(mem.message).toBe(
      "memory 256 MiB is outside what target fargate (aws/ecs-fargate) allows (512–30720 MiB)",
    );
    expect(mem.hint).toContain("between 512 and 30720");
    expect(at(r.diagnostics, "service.resources.cpu").message).toContain("(0.25–16 vCPU)");
  });

  it("a limit broken by an override is reported at the override", async () => {
    const r = await validate(
      edited((d) => (d.environments.production.service = { resources: { memory: 100000 } })),
    );
    const found = r.diagnostics.filter((x) => x.path === "environments.production.service.resources.memory");
    // Both of production's targets cap memory, each with its own range.
    expect(found.map((x) => x.message)).toEqual([
      "memory 100000 MiB is outside what target fargate (aws/ecs-fargate) allows (512–30720 MiB)",
      "memory 100000 MiB is outside what target cloudrun (gcp/cloud-run) allows (128–32768 MiB)",
    ]);
    expect(r.diagnostics.some((x) => x.path === "service.resources.memory")).toBe(false);
  });

  it("timeout and scaling.max beyond the platform's limits", async () => {
    const r = await validate(
      edited((d) => {
        d.service.timeout = "2h";
        d.service.scaling.max = 500;
      }),
    );
    expect(at(r.diagnostics, "service.timeout").message).toBe(
      "timeout 2h is longer than target cloudrun (gcp/cloud-run) allows (1h)",
    );
    expect(at(r.diagnostics, "service.scaling.max").message).toBe(
      "scaling.max 500 is more instances than target fargate (aws/ecs-fargate) allows (100)",
    );
  });

  it("an environment naming an unknown target", async () => {
    const r = await validate(edited((d) => (d.environments.production.targets = ["fargate", "clodrun"])));
    const d = at(r.diagnostics, "environments.production.targets[1]");
    expect(d).toMatchObject({ code: "unknown-target", hint: "targets declared: fargate, cloudrun, cluster" });
    expect(d.message).toBe(
      'environment production names an unknown target "clodrun" (did you mean "cloudrun"?)',
    );
  });

  it("a secret reference of unknown scheme", async () => {
    const d = at(
      (await validate(edited((d) => (d.service.secrets.DB_URL = "vault:prod/db")))).diagnostics,
      "service.secrets.DB_URL",
    );
    expect(d).toMatchObject({
      code: "secret-scheme",
      message: 'service.secrets.DB_URL has an unknown scheme "vault"',
    });
    expect(d.hint).toContain("env, file, aws-sm, gcp-sm, azure-kv");
  });

  it("a malformed secret reference in an override", async () => {
    const r = await validate(
      edited((d) => (d.environments.production.service = { secrets: { DB_URL: "azure-kv:vault" } })),
    );
    expect(at(r.diagnostics, "environments.production.service.secrets.DB_URL").code).toBe("secret-ref");
  });

  it("a credential in env is a warning that points to secrets and never shows the value", async () => {
    const key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    const r = await validate(edited((d) => (d.service.env.STRIPE_KEY = key)));
    expect(r.manifest).toBeDefined();
    const d = at(r.diagnostics, "service.env.STRIPE_KEY");
    expect(d).toMatchObject({ severity: "warning", code: "credential-in-env" });
    expect(d.message).toBe("env STRIPE_KEY looks like a credential (Stripe secret key) in plain text");
    expect(d.hint).toContain('secrets: { STRIPE_KEY: "env:STRIPE_KEY" }');
    expect(JSON.stringify(r.diagnostics)).not.toContain(key);
  });

  it("the same name in env and secrets", async () => {
    const r = await validate(edited((d) => (d.service.env.DB_URL = "postgres://localhost/db")));
    expect(at(r.diagnostics, "service.secrets.DB_URL").code).toBe("env-secret-conflict");
  });

  it("neither or both of function and container", async () => {
    const none = await validate(edited((d) => delete d.service.container));
    expect(at(none.diagnostics, "service").code).toBe("service-kind");
    const both = await validate(
      edited((d) => (d.service.function = { runtime: "nodejs20", handler: "i.h" })),
    );
    expect(at(both.diagnostics, "service.function").message).toBe("service has both function and container");
  });

  it("an override may switch the kind by removing the base one with null", async () => {
    const r = await validate(
      edited((d) => {
        d.targets.lambda = { provider: "aws", platform: "lambda", region: "us-east-1" };
        d.environments.fn = {
          targets: ["lambda"],
          service: { container: null, function: { runtime: "python312", handler: "a.h" } },
        };
      }),
    );
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.manifest?.stacks.find((s) => s.environment === "fn")?.service).toMatchObject({
      kind: "function",
      function: { runtime: "python3.12", handler: "a.h", source: "." },
    });
  });

  it("unknown provider, unknown platform, missing platform", async () => {
    const r = await validate(
      edited((d) => {
        d.targets.fargate.provider = "awz";
        d.targets.cloudrun.platform = "cloudrun";
        d.targets.cluster = { provider: "aws", region: "us-east-1" };
      }),
    );
    expect(at(r.diagnostics, "targets.fargate.provider")).toMatchObject({
      code: "unknown-provider",
      message: 'targets.fargate.provider "awz" is not a known provider (did you mean "aws"?)',
    });
    expect(at(r.diagnostics, "targets.fargate.provider").hint).toContain(
      "known providers: aws, gcp, kubernetes",
    );
    expect(at(r.diagnostics, "targets.cloudrun.platform")).toMatchObject({
      code: "unknown-platform",
      message: 'targets.cloudrun.platform "cloudrun" is not a platform of gcp (did you mean "cloud-run"?)',
      hint: "gcp platforms: cloud-run, cloud-functions",
    });
    expect(at(r.diagnostics, "targets.cluster")).toMatchObject({
      code: "missing-platform",
      hint: "aws platforms: lambda, ecs-fargate",
    });
  });

  it("an unknown environment asked for lists the environments", async () => {
    const r = await validate(validDoc(), "prod");
    expect(r.manifest).toBeUndefined();
    const d = at(r.diagnostics, "environments");
    expect(d).toMatchObject({ code: "unknown-environment", hint: "environments: staging, production" });
    expect(d.message).toBe('environment "prod" is not declared');
  });

  it("an unknown defaultEnvironment", async () => {
    const r = await validate(edited((d) => (d.defaultEnvironment = "prodution")));
    expect(at(r.diagnostics, "defaultEnvironment").message).toContain('(did you mean "production"?)');
  });

  it("reports every error at once, across sections and environments", async () => {
    const r = await validate(
      edited((d) => {
        d.service.access = "everyone";
        d.service.secrets.X = "nope";
        d.targets.fargate.regoin = "x";
        d.environments.staging.service = { scaling: { min: 11 } };
        d.environments.production.service = { resources: { memory: 64 } };
        d.environments.production.targets.push("missing");
      }),
    );
    const paths = errors(r.diagnostics).map((x) => x.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "service.access",
        "service.secrets.X",
        "targets.fargate.regoin",
        "environments.staging.service.scaling.min",
        "environments.production.service.resources.memory",
        "environments.production.targets[2]",
      ]),
    );
    expect(r.diagnostics.every((x) => x.file === FILE && x.hint)).toBe(true);
    expect(new Set(r.diagnostics.map((x) => `${x.path} ${x.message}`)).size).toBe(r.diagnostics.length);
  });
});
