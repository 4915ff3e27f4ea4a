import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { NameRule, PlatformInfo, TargetAdapter } from "../src/core/provider.js";
import { Registry } from "../src/core/registry.js";
import type { ProviderLoader } from "../src/core/registry.js";
import { ManifestError } from "../src/errors.js";
import { NEUTRAL_RUNTIME } from "./_shared/options.js";
import { runtimeId as azureFunctionsRuntime } from "./azure/functions.js";
import { runtimeId as lambdaRuntime } from "./aws/lambda.js";
import { runtimeId as doFunctionsRuntime } from "./digitalocean/functions.js";
import { environmentSlug as appPlatformSlug } from "./digitalocean/app-source.js";
import { runtimeId as firebaseRuntime } from "./firebase/functions.js";
import { runtimeId as cloudFunctionsRuntime } from "./gcp/cloud-functions.js";
import { runtimeId as herokuRuntime } from "./heroku/heroku.js";
import { runtimeId as localRuntime } from "./local/process.js";
import { builtinProviders, createBuiltinRegistry } from "./index.js";

const SUB = "34adfa4f-cedf-4dc0-ba29-b6d1a69ab345";
const AZ = { subscription: SUB, resourceGroup: "rg-api-prod", location: "westeurope" };
const GCP = { project: "acme-ml", region: "europe-west1" };

interface Case {
  required: string[];
  good: Record<string, unknown>;
  /** Defaults filled in when `minimal` (the required keys of `good`, or this) is parsed. */
  defaults: Record<string, unknown>;
  minimal?: Record<string, unknown>;
  bad: Record<string, unknown>;
  badPath: (string | number)[];
  naming: Omit<NameRule, "resource">;
}

const rule = (maxLength: number, lowercase: boolean, extraChars: string, startsWithLetter: boolean) => ({
  maxLength,
  lowercase,
  extraChars,
  startsWithLetter,
});
const dns1123 = rule(63, true, "-", true);

// The issue's table: what each platform requires, accepts, rejects and how it names things.
const CASES: Record<string, Case> = {
  "aws/lambda": {
    required: ["region"],
    good: {
      region: "us-east-1",
      architecture: "arm64",
      ephemeralStorage: 1024,
      role: "arn:aws:iam::123456789012:role/api-exec",
      layers: ["arn:aws:lambda:us-east-1:123456789012:layer:deps:3"],
      vpc: { subnetIds: ["subnet-0a1b2c3d"], securityGroupIds: ["sg-0123abcd"] },
    },
    defaults: { architecture: "x86_64", ephemeralStorage: 512 },
    bad: { region: "us-east-1", ephemeralStorage: 20480 },
    badPath: ["ephemeralStorage"],
    naming: rule(64, false, "-_", true),
  },
  "aws/ecs-fargate": {
    required: ["region"],
    good: {
      region: "eu-central-1",
      cluster: "apis",
      subnets: ["subnet-0a1b2c3d"],
      assignPublicIp: false,
      logRetentionDays: 14,
    },
    defaults: { cluster: "apiship", assignPublicIp: true, logRetentionDays: 30, platformVersion: "LATEST" },
    bad: { region: "eu-central-1", logRetentionDays: 10 },
    badPath: ["logRetentionDays"],
    naming: rule(255, false, "-_", true),
  },
  "azure/functions": {
    required: ["subscription", "resourceGroup", "location"],
    good: { ...AZ, plan: "premium", alwaysReady: 1, storageAccount: "stapiprod" },
    defaults: { plan: "flex-consumption", alwaysReady: 0 },
    bad: { ...AZ, location: "West Europe" },
    badPath: ["location"],
    naming: rule(60, true, "-", true),
  },
  "azure/app-service": {
    required: ["subscription", "resourceGroup", "location"],
    good: { ...AZ, sku: "P0v3", alwaysOn: false, stagingSlot: false },
    defaults: { sku: "P0v3", alwaysOn: true, stagingSlot: "staging" },
    bad: { ...AZ, sku: "B4" },
    badPath: ["sku"],
    naming: rule(60, true, "-", true),
  },
  "azure/aks": {
    required: ["subscription", "resourceGroup", "cluster"],
    good: {
      subscription: SUB,
      resourceGroup: "rg-platform",
      cluster: "aks-prod",
      expose: "ingress",
      ingress: { host: "api.example.com" },
    },
    defaults: { namespace: "default", createNamespace: true, expose: "cluster-ip" },
    bad: { subscription: "not-a-guid", resourceGroup: "rg", cluster: "aks" },
    badPath: ["subscription"],
    naming: dns1123,
  },
  "gcp/cloud-functions": {
    required: ["project", "region"],
    good: { ...GCP, ingress: "internal-and-gclb", serviceAccount: "api@acme-ml.iam.gserviceaccount.com" },
    defaults: { ingress: "all" },
    bad: { ...GCP, ingress: "internal-only" },
    badPath: ["ingress"],
    naming: rule(63, true, "-", true),
  },
  "gcp/cloud-run": {
    required: ["project", "region"],
    good: { ...GCP, executionEnvironment: "gen2", cpuIdle: false, vpcConnector: "apis-connector" },
    defaults: { ingress: "all", cpuIdle: true, startupCpuBoost: false },
    bad: { ...GCP, project: "Acme_ML" },
    badPath: ["project"],
    naming: rule(49, true, "-", true),
  },
  "gcp/gke": {
    required: ["project", "location", "cluster"],
    good: { project: "acme-ml", location: "europe-west1-b", cluster: "apis-prod", expose: "load-balancer" },
    defaults: { namespace: "default", expose: "cluster-ip" },
    bad: {
      project: "acme-ml",
      location: "europe-west1",
      cluster: "apis",
      expose: "ingress",
      ingress: { host: "API EXAMPLE" },
    },
    badPath: ["ingress", "host"],
    naming: dns1123,
  },
  "firebase/functions": {
    required: ["project"],
    good: { project: "acme-web", region: "europe-west1", hosting: { site: "acme-web" } },
    minimal: { project: "acme-web", hosting: {} },
    defaults: { region: "us-central1", hosting: { path: "/api/**" } },
    bad: { project: "acme-web", hosting: { path: "api/**" } },
    badPath: ["hosting", "path"],
    naming: rule(63, true, "-", true),
  },
  "digitalocean/functions": {
    required: ["region"],
    good: { region: "fra1", namespace: "sentiment-prod" },
    defaults: {},
    bad: { region: "Frankfurt" },
    badPath: ["region"],
    naming: rule(63, false, "-_", false),
  },
  "digitalocean/app-platform": {
    required: ["region"],
    good: { region: "fra", instanceSize: "apps-d-1vcpu-1gb" },
    defaults: { instanceSize: "apps-s-1vcpu-0.5gb" },
    bad: { region: "fra", instanceSize: "basic-xxs" },
    badPath: ["instanceSize"],
    naming: rule(32, true, "-", true),
  },
  "digitalocean/droplet": {
    required: ["region"],
    good: {
      region: "nyc3",
      size: "s-2vcpu-4gb",
      sshKeys: [289794, "3b:16:e4:bf:8b:00:8b:b8:59:8c:a9:d3:f0:19:fa:45"],
    },
    defaults: { size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64", sshKeys: [] },
    bad: { region: "nyc3", sshKeys: ["my-laptop"] },
    badPath: ["sshKeys", 0],
    naming: rule(255, false, "-.", false),
  },
  "heroku/heroku": {
    required: [],
    good: { app: "sentiment-api-prod", region: "eu", dynoSize: "standard-1x", team: "acme" },
    defaults: { region: "us", stack: "container", dynoSize: "basic" },
    bad: { app: "Sentiment_API" },
    badPath: ["app"],
    naming: rule(30, true, "-", true),
  },
  "kubernetes/kubernetes": {
    required: [],
    good: {
      context: "prod",
      namespace: "apis",
      expose: "ingress",
      ingress: { host: "api.example.com", tlsSecret: "api-tls" },
    },
    defaults: { namespace: "default", createNamespace: true, expose: "cluster-ip" },
    bad: { expose: "ingress" },
    badPath: ["ingress"],
    naming: dns1123,
  },
  "local/process": {
    required: [],
    good: { port: 8080, host: "0.0.0.0", python: ".venv/bin/python", stopTimeout: 10 },
    defaults: { host: "127.0.0.1", python: "python3", stopTimeout: 5 },
    bad: { port: 70000 },
    badPath: ["port"],
    naming: rule(200, false, "-_.", false),
  },
  "local/container": {
    required: [],
    good: { port: 8080, host: "127.0.0.1", engine: "podman", stopTimeout: 20 },
    defaults: { host: "127.0.0.1", stopTimeout: 10 },
    bad: { engine: "containerd" },
    badPath: ["engine"],
    naming: rule(128, false, "_.-", true),
  },
};

const RUNTIME_IDS: Record<string, (neutral: string) => string> = {
  "aws/lambda": lambdaRuntime,
  "azure/functions": azureFunctionsRuntime,
  "gcp/cloud-functions": cloudFunctionsRuntime,
  "firebase/functions": firebaseRuntime,
  "digitalocean/functions": doFunctionsRuntime,
  "digitalocean/app-platform": appPlatformSlug,
  "heroku/heroku": herokuRuntime,
  "local/process": localRuntime,
};

async function allPlatforms(): Promise<TargetAdapter[]> {
  const mods = await createBuiltinRegistry().all();
  return mods.flatMap((m) => Object.values(m.targets));
}

function issuesOf(t: PlatformInfo, input: unknown): z.core.$ZodIssue[] {
  const r = (t.options as z.ZodType).safeParse(input);
  return r.success ? [] : r.error.issues;
}

describe("the built-in registry", () => {
  it("holds exactly the fourteen cloud platforms of DESIGN.md §7 and the two local ones, each id provider/platform", async () => {
    const mods = await createBuiltinRegistry().all();
    const ids: string[] = [];
    for (const m of mods) {
      for (const [key, t] of Object.entries(m.targets)) {
        expect(t.id).toBe(`${m.id}/${key}`);
        expect([t.provider, t.platform]).toEqual([m.id, key]);
        ids.push(t.id);
      }
    }
    expect(ids.sort()).toEqual(Object.keys(CASES).sort());
  });

  it("loads a provider only when it is asked for, and only once", async () => {
    const calls: Record<string, number> = {};
    const counted: Record<string, ProviderLoader> = {};
    for (const [id, load] of Object.entries(builtinProviders)) {
      counted[id] = () => ((calls[id] = (calls[id] ?? 0) + 1), load());
    }
    const registry = new Registry(counted);
    expect(registry.ids()).toEqual([
      "aws",
      "azure",
      "digitalocean",
      "firebase",
      "gcp",
      "heroku",
      "kubernetes",
      "local",
    ]);
    expect(calls).toEqual({});
    const gcp = await registry.provider("gcp");
    await registry.provider("gcp");
    expect(gcp.id).toBe("gcp");
    expect(calls).toEqual({ gcp: 1 });
  });

  it("picks the default platform when a target names only kubernetes, heroku or firebase", async () => {
    const registry = createBuiltinRegistry();
    expect((await registry.platform("kubernetes", undefined))?.id).toBe("kubernetes/kubernetes");
    expect((await registry.platform("heroku", undefined))?.id).toBe("heroku/heroku");
    // A provider with a single platform defaults to it.
    expect((await registry.platform("firebase", undefined))?.id).toBe("firebase/functions");
    expect(await registry.platform("aws", undefined)).toBeUndefined();
  });

  it("loads no cloud SDK on import: SDKs only through import() inside clients.ts", () => {
    const root = dirname(fileURLToPath(import.meta.url));
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter(
      (f) => f.endsWith(".ts") && !f.endsWith(".test.ts"),
    );
    expect(files.length).toBeGreaterThanOrEqual(22);
    // `ignore` is git's ignore-file matcher (a few kB of plain JS, no SDK), used by the packager.
    const allowed = (s: string) =>
      s === "zod" || s === "ignore" || s.startsWith(".") || s.startsWith("node:");
    for (const f of files) {
      const src = readFileSync(join(root, f), "utf8");
      // Static value imports (type-only imports vanish at compile time).
      const statics = [...src.matchAll(/^import\s+(?!type\b)[^;]*?from\s+["']([^"']+)["']/gms)].map(
        (m) => m[1] ?? "",
      );
      expect(
        statics.filter((s) => !allowed(s)),
        `${f}: static imports`,
      ).toEqual([]);
      const dynamic = [...src.matchAll(/import\s*\(\s*["']([^"']+)["']/g)].map((m) => m[1] ?? "");
      // esbuild bundles a portable function's code (portable.ts), loaded only when one is built.
      if (!f.endsWith("clients.ts"))
        expect(
          dynamic.filter((s) => !allowed(s) && !(f.endsWith("portable.ts") && s === "esbuild")),
          `${f}: dynamic imports`,
        ).toEqual([]);
    }
  });
});

describe("platform options", () => {
  it("document every field, at every depth, and reject unknown keys at every depth", async () => {
    for (const t of await allPlatforms()) {
      const json = z.toJSONSchema(t.options as z.ZodType, { io: "input" }) as Record<string, unknown>;
      const walk = (node: Record<string, unknown>, path: string, top: boolean): void => {
        const props = node.properties as Record<string, Record<string, unknown>> | undefined;
        if (!props) return;
        expect(node.additionalProperties, `${path} is strict`).toBe(false);
        for (const [k, p] of Object.entries(props)) {
          expect(
            typeof p.description === "string" && p.description.length > 10,
            `${path}.${k}: description`,
          ).toBe(true);
          if (top)
            expect(Array.isArray(p.examples) && p.examples.length > 0, `${path}.${k}: examples`).toBe(true);
          walk(p, `${path}.${k}`, false);
          if (p.type === "array") walk(p.items as Record<string, unknown>, `${path}.${k}[]`, false);
        }
      };
      walk(json, t.id, true);
      expect([...((json.required as string[] | undefined) ?? [])].sort(), `${t.id}: required`).toEqual(
        [...(CASES[t.id]?.required ?? ["?"])].sort(),
      );
    }
  });

  it("accept each field's own documented examples", async () => {
    for (const t of await allPlatforms()) {
      const shape = (t.options as unknown as { shape: Record<string, z.ZodType> }).shape;
      for (const [key, field] of Object.entries(shape)) {
        const examples = (z.toJSONSchema(field, { io: "input" }) as { examples?: unknown[] }).examples ?? [];
        for (const ex of examples)
          expect(field.safeParse(ex).success, `${t.id}.${key} example ${JSON.stringify(ex)}`).toBe(true);
      }
    }
  });

  it("accept a realistic target, fill in the defaults, and point at the wrong field of a bad one", async () => {
    for (const t of await allPlatforms()) {
      const c = CASES[t.id];
      if (!c) throw new Error(`no test case for ${t.id}`);
      const good = JSON.parse(JSON.stringify(c.good)) as Record<string, unknown>;
      expect(issuesOf(t, good), `${t.id} good`).toEqual([]);
      const minimal = c.minimal ?? Object.fromEntries(c.required.map((k) => [k, good[k]]));
      expect((t.options as z.ZodType).parse(minimal), `${t.id} defaults`).toMatchObject(c.defaults);
      const bad = issuesOf(t, c.bad);
      expect(
        bad.map((i) => i.path),
        `${t.id} bad`,
      ).toContainEqual(c.badPath);
      expect(bad.every((i) => i.message.length > 0)).toBe(true);
    }
  });

  it("catch a typo in a key instead of ignoring it", async () => {
    for (const t of await allPlatforms()) {
      const input = { ...(CASES[t.id]?.good ?? {}), regoin: "us-east-1" };
      const issues = issuesOf(t, JSON.parse(JSON.stringify(input)));
      expect(issues, t.id).toContainEqual(
        expect.objectContaining({ code: "unrecognized_keys", keys: ["regoin"] }),
      );
    }
  });

  it("check rules that span fields", async () => {
    const registry = createBuiltinRegistry();
    const fn = await registry.platform("azure", "functions");
    const issues = fn ? issuesOf(fn, { ...AZ, plan: "consumption", alwaysReady: 2 }) : [];
    expect(issues.map((i) => i.path)).toEqual([["alwaysReady"]]);
    const k8s = await registry.platform("kubernetes", undefined);
    expect(k8s && issuesOf(k8s, { expose: "load-balancer" })).toEqual([]);
  });
});

describe("kinds, runtimes, limits, capabilities, naming", () => {
  it("list neutral runtimes exactly on the platforms that take functions, each mapped by runtimeId", async () => {
    for (const t of await allPlatforms()) {
      const takesFunctions = t.kinds.includes("function");
      expect(t.kinds.length, t.id).toBeGreaterThan(0);
      expect((t.runtimes?.length ?? 0) > 0, `${t.id} runtimes`).toBe(takesFunctions);
      expect(RUNTIME_IDS[t.id] !== undefined, `${t.id} runtimeId`).toBe(takesFunctions);
      for (const r of t.runtimes ?? []) {
        expect(r, t.id).toMatch(NEUTRAL_RUNTIME);
        expect(RUNTIME_IDS[t.id]?.(r), `${t.id} ${r}`).toMatch(/^[a-z]/);
      }
      expect(new Set(t.runtimes).size).toBe(t.runtimes?.length ?? 0);
    }
  });

  it("spell runtimes the way each platform's API does", () => {
    const spellings: [(n: string) => string, string, string][] = [
      [lambdaRuntime, "nodejs22", "nodejs22.x"],
      [lambdaRuntime, "python3.12", "python3.12"],
      [lambdaRuntime, "java21", "java21"],
      [cloudFunctionsRuntime, "python3.12", "python312"],
      [cloudFunctionsRuntime, "go1.22", "go122"],
      [azureFunctionsRuntime, "nodejs20", "node|20"],
      [azureFunctionsRuntime, "python3.12", "python|3.12"],
      [azureFunctionsRuntime, "dotnet8", "dotnet-isolated|8.0"],
      [doFunctionsRuntime, "nodejs18", "nodejs:18"],
      [firebaseRuntime, "nodejs20", "nodejs20"],
      [herokuRuntime, "python3.12", "heroku/python"],
    ];
    expect(spellings.map(([map, neutral]) => map(neutral))).toEqual(spellings.map(([, , id]) => id));
  });

  it("refuse a runtime the platform does not run, naming the ones it does", () => {
    for (const [id, map] of Object.entries(RUNTIME_IDS)) {
      for (const neutral of ["nodejs8", "cobol85"]) {
        const err = (() => {
          try {
            return map(neutral);
          } catch (e) {
            return e;
          }
        })();
        expect(err, `${id} ${neutral}`).toBeInstanceOf(ManifestError);
        const d = (err as ManifestError).diagnostics[0];
        expect(d).toMatchObject({ code: "unsupported-runtime", path: "service.function.runtime" });
        expect(d?.hint).toContain(id);
      }
    }
  });

  it("state limits as sane ranges, with a timeout and memory range on every function platform", async () => {
    for (const t of await allPlatforms()) {
      for (const range of [t.limits.memory, t.limits.cpu]) {
        if (range) expect(range[0] > 0 && range[0] <= range[1], t.id).toBe(true);
      }
      if (t.kinds.includes("function")) expect(t.limits.timeoutMs && t.limits.memory, t.id).toBeTruthy();
      if (t.limits.maxInstances !== undefined) expect(Number.isInteger(t.limits.maxInstances)).toBe(true);
    }
  });

  it("name resources by each platform's rules, with Azure deployed four at a time", async () => {
    for (const t of await allPlatforms()) {
      const { resource, ...naming } = t.naming;
      expect(resource.length, t.id).toBeGreaterThan(0);
      expect(naming, t.id).toEqual(CASES[t.id]?.naming);
      expect(t.concurrency, t.id).toBe(t.provider === "azure" ? 4 : 8);
      expect(t.summary.length, t.id).toBeGreaterThan(10);
      expect(t.capabilities.coldStart.length, t.id).toBeGreaterThan(0);
    }
  });

  it("leave rollback to apiship on Kubernetes targets and scale to zero only where the platform does", async () => {
    const byId = new Map((await allPlatforms()).map((t) => [t.id, t]));
    for (const id of ["kubernetes/kubernetes", "azure/aks", "gcp/gke"]) {
      expect(byId.get(id)?.capabilities.nativeRollback, id).toBeNull();
    }
    expect(byId.get("aws/lambda")?.capabilities.nativeRollback).toBe("alias → previous version");
    const zero = [...byId.values()].filter((t) => t.capabilities.scalesToZero).map((t) => t.id);
    expect(zero.sort()).toEqual(
      [
        "aws/lambda",
        "azure/functions",
        "digitalocean/functions",
        "firebase/functions",
        "gcp/cloud-functions",
        "gcp/cloud-run",
      ].sort(),
    );
  });
});
