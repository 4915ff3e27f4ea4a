// read, apply, rollback, destroy, status and logs of local/container, through the engine's CLI
// (container-cli.ts). The container is named after the target's physical name and labelled with
// its owner (the same label local processes carry), its env and its secrets' fingerprints, so
// read() answers from the engine alone; a container of that name without apiship's label is
// someone else's and is never touched.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import type {
  ApplyResult,
  Ctx,
  LogEntry,
  LogQuery,
  PlannedChange,
  StatusReport,
} from "../../src/core/provider.js";
import { ProviderError } from "../../src/errors.js";
import type { ContainerClients } from "./container-cli.js";
import { run, runOk } from "./container-cli.js";
import type { LocalContainerOptions, LocalContainerState } from "./container-plan.js";
import { desiredContainer } from "./container-plan.js";
import { endpointOf, freePort, listening } from "./net.js";
import { localPaths } from "./state.js";

type CCtx = Ctx<ContainerClients>;
type Change = PlannedChange<LocalContainerOptions, LocalContainerState>;

const LABEL = {
  owner: "dev.apiship.owner",
  env: "dev.apiship.env",
  secrets: "dev.apiship.secrets",
  command: "dev.apiship.command",
};

interface Inspected {
  Id: string;
  Name: string;
  State?: { Running?: boolean };
  Config?: {
    Image?: string;
    Labels?: Record<string, string> | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
  };
  HostConfig?: { PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null };
}

const parse = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

export async function read(ctx: CCtx, _prior: LocalContainerState | undefined, name: string) {
  const r = await run(ctx.clients, ["container", "inspect", name]);
  if (r.code !== 0) {
    if (/no such (container|object)/i.test(r.stderr)) return undefined;
    await runOk(ctx.clients, ["container", "inspect", name], ctx.target.name);
  }
  const [c] = parse<Inspected[]>(r.stdout, []);
  if (!c) return undefined;
  const labels = c.Config?.Labels ?? {};
  if (labels[LABEL.owner] !== localPaths(ctx.stack, ctx.target.name).owner)
    throw new ProviderError(`a container named ${name} exists and apiship did not start it`, {
      code: "NOT_OWNED",
      fault: "user",
      target: ctx.target.name,
      hint: `remove it (${ctx.clients.engine} rm -f ${name}) or rename this target`,
    });
  const shape = parse<{ command?: string[]; args?: string[] }>(labels[LABEL.command] ?? "{}", {});
  const [binding, hostPort] =
    Object.entries(c.HostConfig?.PortBindings ?? {}).flatMap(([k, v]) =>
      (v ?? []).map((b) => [k, b] as const),
    )[0] ?? [];
  const state: LocalContainerState = {
    id: c.Id,
    name,
    engine: ctx.clients.engine,
    image: c.Config?.Image ?? "",
    command: shape.command ?? [],
    args: shape.args ?? [],
    host: hostPort?.HostIp || "127.0.0.1",
    port: Number(hostPort?.HostPort ?? 0),
    containerPort: Number.parseInt(binding ?? "0", 10),
    env: parse<Record<string, string>>(labels[LABEL.env] ?? "{}", {}),
    secrets: parse<Record<string, string>>(labels[LABEL.secrets] ?? "{}", {}),
    running: c.State?.Running === true,
  };
  return state;
}

async function remove(ctx: CCtx, name: string, grace: number): Promise<void> {
  ctx.progress.step("remove container");
  await run(ctx.clients, ["container", "stop", "-t", String(grace), name]);
  const r = await run(ctx.clients, ["container", "rm", "-f", name]);
  if (r.code !== 0 && !/no such (container|object)/i.test(r.stderr))
    await runOk(ctx.clients, ["container", "rm", "-f", name], ctx.target.name);
  ctx.progress.done("remove container");
}

async function start(
  ctx: CCtx,
  s: Omit<LocalContainerState, "id" | "running">,
  secrets: Record<string, string>,
) {
  ctx.progress.step("start container");
  if (await listening(s.host, s.port))
    throw new ProviderError(`port ${s.port} on ${s.host} is in use by another program`, {
      code: "PORT_IN_USE",
      fault: "user",
      target: ctx.target.name,
      hint: "stop that program, or set another `port:` on the target",
    });
  const env = Object.keys({ ...s.env, ...secrets }).flatMap((k) => ["-e", k]);
  const [entry, ...rest] = s.command;
  const args = [
    "run",
    "-d",
    "--name",
    s.name,
    "--label",
    `${LABEL.owner}=${localPaths(ctx.stack, ctx.target.name).owner}`,
    "--label",
    `${LABEL.env}=${JSON.stringify(s.env)}`,
    "--label",
    `${LABEL.secrets}=${JSON.stringify(s.secrets)}`,
    "--label",
    `${LABEL.command}=${JSON.stringify({ command: s.command, args: s.args })}`,
    "-p",
    `${s.host}:${s.port}:${s.containerPort}`,
    ...env,
    ...(entry ? ["--entrypoint", entry] : []),
    s.image,
    ...rest,
    ...s.args,
  ];
  // Values travel in the CLI's environment: `-e NAME` copies them from there.
  const id =
    (await runOk(ctx.clients, args, ctx.target.name, { ...s.env, ...secrets })).trim().split("\n").at(-1) ??
    "";
  // Readiness is the health check's to judge, with its attempts and interval.
  ctx.progress.done("start container");
  return result({ ...s, id, running: true });
}

const graceOf = (ctx: CCtx) => (ctx.target.options as Partial<LocalContainerOptions>).stopTimeout ?? 10;

export async function apply(ctx: CCtx, change: Change): Promise<ApplyResult<LocalContainerState>> {
  const seen = change.observed;
  if ((change.changes[0]?.action ?? "no-op") === "no-op" && seen?.running) return result(seen);
  const d = desiredContainer(change);
  if (seen) await remove(ctx, change.name, graceOf(ctx));
  const port = typeof d.port === "number" ? d.port : await freePort(change.target.options.host);
  return start(
    ctx,
    {
      name: change.name,
      engine: ctx.clients.engine,
      image: d.image as string,
      command: d.command as string[],
      args: d.args as string[],
      host: change.target.options.host,
      port,
      containerPort: d.containerPort as number,
      env: d.env as Record<string, string>,
      secrets: d.secrets as Record<string, string>,
    },
    change.secrets,
  );
}

export async function rollback(
  ctx: CCtx,
  state: LocalContainerState,
  to: LocalContainerState,
  secrets: Record<string, string> = {},
): Promise<ApplyResult<LocalContainerState>> {
  await remove(ctx, state.name, graceOf(ctx));
  const { id: _id, running: _r, ...rest } = to;
  return start(ctx, { ...rest, name: state.name, port: state.port }, secrets);
}

export async function destroy(ctx: CCtx, state: LocalContainerState): Promise<void> {
  await remove(ctx, state.name, graceOf(ctx));
}

export async function status(ctx: CCtx, state: LocalContainerState): Promise<StatusReport> {
  const now = await read(ctx, state, state.name);
  if (!now?.running) return { health: "missing", detail: `container ${state.name} is not running` };
  const h = ctx.stack.service.health;
  const endpoint = endpointOf(now.host, now.port);
  try {
    const res = await fetch(`${endpoint}${h.path}`, { signal: AbortSignal.timeout(h.timeoutMs) });
    await res.body?.cancel();
    return {
      health: res.status === h.status ? "ready" : "down",
      endpoint,
      detail: `${h.path} answered ${res.status}`,
    };
  } catch (e) {
    return { health: "down", endpoint, detail: (e as Error).message };
  }
}

function result(s: LocalContainerState): ApplyResult<LocalContainerState> {
  return {
    state: s,
    endpoint: endpointOf(s.host, s.port),
    outputs: { container: s.id.slice(0, 12), port: String(s.port) },
    release: s.image,
  };
}

/** `docker logs --timestamps`: each line starts with its RFC 3339 time. */
export async function* logs(ctx: CCtx, state: LocalContainerState, q: LogQuery): AsyncIterable<LogEntry> {
  const args = ["logs", "--timestamps"];
  if (q.since) args.push("--since", q.since.toISOString());
  if (q.tail !== undefined) args.push("--tail", String(q.tail));
  if (q.follow) args.push("--follow");
  const child = spawn(ctx.clients.cli, [...args, state.name], { env: ctx.clients.env, signal: ctx.signal });
  child.on("error", () => undefined);
  const both = new PassThrough();
  let open = 2;
  for (const s of [child.stdout, child.stderr])
    s.on("end", () => --open === 0 && both.end()).pipe(both, { end: false });
  for await (const line of createInterface({ input: both, crlfDelay: Infinity })) {
    const m = /^(\S+Z) (.*)$/.exec(line as string);
    yield m ? { time: m[1] as string, message: m[2] as string } : { message: line as string };
  }
}
