#!/usr/bin/env node
// A stand-in for the docker CLI, for tests of local/container on machines without a Docker
// engine. It records every invocation (argv, and which of the -e variables had a value in its
// environment, never the values) to $STUB_DOCKER_DIR/calls.jsonl, and keeps containers in
// $STUB_DOCKER_DIR/containers.json, answering `container inspect` in the shape Docker's
// ContainerInspect returns (Id, Name, State.Running, Config.Image/Labels, HostConfig.PortBindings)
// and failing as docker does ("Error: No such container: NAME", exit 1).
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";

const dir = process.env.STUB_DOCKER_DIR;
const args = process.argv.slice(2);
const file = join(dir, "containers.json");
const load = () => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {});
const save = (c) => writeFileSync(file, JSON.stringify(c, null, 2));

const envNames = [];
for (let i = 0; i < args.length; i++) if (args[i] === "-e") envNames.push(args[i + 1]);
appendFileSync(
  join(dir, "calls.jsonl"),
  `${JSON.stringify({ args, envSet: Object.fromEntries(envNames.map((n) => [n, process.env[n] !== undefined])) })}\n`,
);

const noSuch = (name) => {
  process.stderr.write(`Error: No such container: ${name}\n`);
  process.exit(1);
};

const containers = load();
const [cmd, sub] = args;
if (cmd === "version") process.stdout.write("28.2.2\n");
else if (cmd === "container" && sub === "inspect") {
  const c = containers[args[2]];
  if (!c) noSuch(args[2]);
  process.stdout.write(`${JSON.stringify([c])}\n`);
} else if (cmd === "container" && (sub === "stop" || sub === "rm")) {
  const name = args.at(-1);
  if (!containers[name]) noSuch(name);
  if (sub === "stop") containers[name].State.Running = false;
  else delete containers[name];
  save(containers);
  process.stdout.write(`${name}\n`);
} else if (cmd === "run") {
  const labels = {};
  let name = "";
  let port;
  let i = 1;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === "-d") continue;
    if (a === "--name") name = args[++i];
    else if (a === "--label") {
      const [k, ...v] = args[++i].split("=");
      labels[k] = v.join("=");
    } else if (a === "-p") port = args[++i].split(":");
    else if (a === "-e" || a === "--entrypoint") i++;
    else break;
  }
  if (containers[name]) {
    process.stderr.write(
      `docker: Error response from daemon: Conflict. The container name "/${name}" is already in use.\n`,
    );
    process.exit(125);
  }
  const image = args[i];
  const id = createHash("sha256").update(`${name}${Date.now()}${Math.random()}`).digest("hex");
  const [hostIp, hostPort, containerPort] = port ?? [];
  containers[name] = {
    Id: id,
    Name: `/${name}`,
    State: { Status: "running", Running: true },
    Config: { Image: image, Labels: labels, Cmd: args.slice(i + 1), Env: ["PATH=/usr/bin"] },
    HostConfig: {
      PortBindings: port ? { [`${containerPort}/tcp`]: [{ HostIp: hostIp, HostPort: hostPort }] } : {},
    },
  };
  save(containers);
  process.stdout.write(`${id}\n`);
} else if (cmd === "logs") {
  if (!containers[args.at(-1)]) noSuch(args.at(-1));
  process.stdout.write("2026-12-07T10:00:00.000000000Z listening on :8080\n");
  process.stderr.write("2026-12-07T10:00:01.000000000Z a warning\n");
} else {
  process.stderr.write(`stub docker: ${args.join(" ")} is not implemented\n`);
  process.exit(2);
}
