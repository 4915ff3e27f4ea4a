// State, cloud-init and the PURE planner of digitalocean/droplet. Two resources: the reserved
// IP (the stable endpoint; regional, so a region change replaces it) and the server, a Droplet
// running the image under Docker. Changing what the server runs is an update carried out
// blue/green (a new Droplet takes over the reserved IP), so the endpoint never changes.

import type { PlanRequest, PlanResponse, ResourceChange } from "../../src/core/provider.js";
import type { ServiceSpec } from "../../src/manifest/types.js";
import { diffAttributes, joinPath } from "../../src/plan/diff.js";
import { changeReason, requireLocalSecrets } from "../_shared/plan.js";
import { configError } from "./errors.js";

export interface DropletOptions {
  region: string;
  size: string;
  image: string | number;
  sshKeys: (string | number)[];
  endpoint?: string;
}

export interface ServerAttrs {
  region: string;
  size: string;
  baseImage: string | number;
  sshKeys: (string | number)[];
  image: string;
  port: number;
  command: string[];
  args: string[];
  healthPath: string;
  env: Record<string, string>;
  /** Secret name → keyed hash. */
  secrets: Record<string, string>;
}

export interface DropletRecord {
  id: number;
  name: string;
  /** Public IPv4 of the Droplet itself. */
  ip?: string;
  /** 1, 2, ...: the n-th Droplet of the target (part of its name). */
  generation: number;
  attributes: ServerAttrs;
}

export interface DropletState {
  name: string;
  /** Tag on every Droplet of the target: how read() finds them without the state. */
  tag: string;
  reservedIp?: { ip: string; region: string };
  droplet?: DropletRecord;
  /** The Droplet that served before the last deploy, kept running so a rollback is instant. */
  previous?: DropletRecord;
}

export type DropletPlanRequest = PlanRequest<DropletOptions, DropletState>;

/** Tag names allow letters, digits, ':', '-' and '_'. */
export function tagOf(name: string): string {
  return `apiship:${name.replace(/[^A-Za-z0-9_-]/g, "_")}`.slice(0, 255);
}

export function desiredServer(
  svc: ServiceSpec,
  o: DropletOptions,
  hashes: Record<string, string>,
): ServerAttrs {
  if (svc.kind !== "container" || !svc.container)
    throw configError(
      "digitalocean/droplet runs container images; the service has no `container`",
      "use `service.container: { image, port }`",
    );
  if (svc.access === "private")
    throw configError(
      "a Droplet's container is published on its public reserved IP; `access: private` is not supported here",
      "use access: public for this target (a VPC-only Droplet behind a firewall is not managed yet), or a platform that enforces it: kubernetes with expose: cluster-ip",
    );
  for (const [k, v] of Object.entries(svc.env))
    if (/[\r\n]/.test(v))
      throw configError(
        `env ${k} holds a line break, which Docker's env file cannot carry`,
        "put the value on one line",
      );
  const secrets: Record<string, string> = {};
  for (const n of Object.keys(svc.secrets).sort()) secrets[n] = hashes[n] ?? "";
  return {
    region: o.region,
    size: o.size,
    baseImage: o.image,
    sshKeys: [...o.sshKeys],
    image: svc.container.image,
    port: svc.container.port,
    command: svc.container.command ?? [],
    args: svc.container.args ?? [],
    healthPath: svc.health.path,
    env: Object.fromEntries(Object.entries(svc.env).sort(([a], [b]) => a.localeCompare(b))),
    secrets,
  };
}

export function hashesFor(req: DropletPlanRequest): Record<string, string> {
  const seen = req.observed?.droplet?.attributes.secrets ?? {};
  const out: Record<string, string> = {};
  for (const n of Object.keys(req.service.secrets)) out[n] = req.secretHashes[n] ?? seen[n] ?? "";
  return out;
}

const q = (s: string) => JSON.stringify(s);

/**
 * The cloud-config that runs the container: Docker from get.docker.com unless the base image
 * has it, the env (secrets included) in a root-only env file, port 80 published to the
 * container's port, and Docker's own health check on the health path.
 */
export function cloudInit(a: ServerAttrs, secretValues: Record<string, string>): string {
  const lines = [
    ...Object.entries(a.env),
    ...Object.keys(a.secrets).map((k) => [k, secretValues[k] ?? ""] as const),
  ].map(([k, v]) => {
    if (/[\r\n]/.test(v))
      throw configError(
        `${k} holds a line break, which Docker's env file cannot carry`,
        "put the value on one line",
      );
    return `${k}=${v}`;
  });
  const url = `http://localhost:${a.port}${a.healthPath}`;
  const health = `curl -fsS ${url} >/dev/null || wget -q -O /dev/null ${url} || exit 1`;
  const [entry, ...cmdRest] = a.command;
  const run = [
    "docker",
    "run",
    "-d",
    "--name",
    "api",
    "--restart",
    "unless-stopped",
    "--env-file",
    "/etc/apiship/api.env",
    "-p",
    `80:${a.port}`,
    "--health-cmd",
    health,
    "--health-interval",
    "10s",
    "--health-retries",
    "3",
    ...(entry ? ["--entrypoint", entry] : []),
    a.image,
    ...cmdRest,
    ...a.args,
  ];
  return [
    "#cloud-config",
    "write_files:",
    "  - path: /etc/apiship/api.env",
    '    permissions: "0600"',
    "    encoding: b64",
    `    content: ${Buffer.from(lines.length ? `${lines.join("\n")}\n` : "").toString("base64")}`,
    "runcmd:",
    `  - [sh, -c, ${q("command -v docker >/dev/null || (curl -fsSL https://get.docker.com | sh)")}]`,
    `  - [${run.map(q).join(", ")}]`,
    "",
  ].join("\n");
}

export function planDroplet(req: DropletPlanRequest): PlanResponse {
  requireLocalSecrets(req.service.secrets, "digitalocean/droplet");
  const server = desiredServer(req.service, req.target.options, hashesFor(req));
  const ipBefore = req.observed?.reservedIp ? { region: req.observed.reservedIp.region } : null;
  const ipDiff = diffAttributes(ipBefore, { region: server.region }, { forcesReplace: ["region"] });
  const before = (req.observed?.droplet?.attributes ?? null) as Record<string, unknown> | null;
  const after = server as unknown as Record<string, unknown>;
  const sensitive = Object.keys({ ...req.observed?.droplet?.attributes.secrets, ...server.secrets }).map(
    (k) => joinPath("secrets", k),
  );
  const sDiff = diffAttributes(before, after, { sensitive, forcesReplace: ["region"] });
  const ip: ResourceChange = {
    type: "reserved-ip",
    name: req.observed?.reservedIp?.ip ?? `${req.name} (reserved IP)`,
    action: ipDiff.action,
    before: ipBefore,
    after: { region: server.region },
    sensitivePaths: [],
    replacePaths: ipDiff.replacePaths,
    dependsOn: ["server"],
  };
  const s: ResourceChange = {
    type: "server",
    name: req.name,
    action: sDiff.action,
    before,
    after,
    sensitivePaths: sDiff.sensitivePaths,
    replacePaths: sDiff.replacePaths,
    dependsOn: [],
  };
  const r1 = changeReason(ipDiff.action, ipDiff.changedPaths, ipDiff.replacePaths);
  if (r1 !== undefined) ip.reason = r1;
  const r2 =
    sDiff.action === "update"
      ? `${sDiff.changedPaths.join(", ")} changed: a new Droplet takes over (blue/green)`
      : changeReason(sDiff.action, sDiff.changedPaths, sDiff.replacePaths);
  if (r2 !== undefined) s.reason = r2;
  return { changes: [s, ip] };
}
