// Which process a recorded pid is. A pid is only a number: once its process exits, the kernel
// hands it to the next process started, and after a reboot any pid may belong to anything. So
// apiship records each process it starts with its identity (the kernel's start time of that
// pid, and on Linux the boot it started in) and its command line, and treats a pid as its own
// only while all of them still match. It never signals a pid that fails the check.
// Linux answers from /proc; other Unixes (macOS) from ps(1).

import { execFile } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export interface ProcessId {
  pid: number;
  /** Kernel start identity: "<boot id>:<start ticks>" on Linux, ps's lstart elsewhere. */
  identity: string;
  /** argv as the kernel holds it. */
  command: string[];
}

const onLinux = process.platform === "linux";

async function linuxIdentity(pid: number): Promise<{ identity: string; command: string[] } | undefined> {
  try {
    const [stat, cmdline, boot] = await Promise.all([
      readFile(`/proc/${pid}/stat`, "utf8"),
      readFile(`/proc/${pid}/cmdline`, "utf8"),
      readFile("/proc/sys/kernel/random/boot_id", "utf8"),
    ]);
    // Field 2 (comm) is in parentheses and may hold spaces; fields after it are plain. The
    // start time is field 22, the 20th after the closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = fields[0];
    const start = fields[19];
    // A zombie has exited; it only waits for its parent to read its status.
    if (start === undefined || state === "Z") return undefined;
    // An empty command line: a process in the middle of exiting (its memory is gone) or a
    // kernel thread. Neither is a process apiship runs.
    if (cmdline === "") return undefined;
    const command = cmdline.split("\0");
    if (command.at(-1) === "") command.pop();
    return { identity: `${boot.trim()}:${start}`, command };
  } catch {
    return undefined;
  }
}

async function psIdentity(pid: number): Promise<{ identity: string; command: string[] } | undefined> {
  try {
    const { stdout } = await execFileAsync("ps", ["-o", "stat=", "-o", "lstart=", "-p", String(pid)]);
    const line = stdout.trim();
    if (!line || line.startsWith("Z")) return undefined;
    const { stdout: args } = await execFileAsync("ps", ["-o", "args=", "-p", String(pid)]);
    // ps prints argv joined by spaces: compared as one string (commandMatches).
    return { identity: line.slice(line.indexOf(" ") + 1).trim(), command: [args.trim()] };
  } catch {
    return undefined;
  }
}

/** The identity of the live process `pid`, or undefined when no such process runs. */
export function identify(pid: number): Promise<{ identity: string; command: string[] } | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) return Promise.resolve(undefined);
  return onLinux ? linuxIdentity(pid) : psIdentity(pid);
}

function commandMatches(seen: string[], recorded: string[]): boolean {
  if (seen.length === 1 && recorded.length > 1) return seen[0] === recorded.join(" ");
  return seen.length === recorded.length && seen.every((a, i) => a === recorded[i]);
}

/** True while `p.pid` is still the process that was recorded (same start, same command line). */
export async function isOurs(p: ProcessId): Promise<boolean> {
  const now = await identify(p.pid);
  return now !== undefined && now.identity === p.identity && commandMatches(now.command, p.command);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops a recorded process: SIGTERM, then SIGKILL once `graceMs` passed. Signals only a pid that
 * is still the recorded process; returns how it ended ("gone" when it was not running, or the
 * pid now belongs to another program).
 */
export async function stopProcess(p: ProcessId, graceMs: number): Promise<"gone" | "terminated" | "killed"> {
  if (!(await isOurs(p))) return "gone";
  signal(p.pid, "SIGTERM");
  for (const deadline = Date.now() + graceMs; Date.now() < deadline;) {
    await sleep(50);
    if (!(await isOurs(p))) return "terminated";
  }
  // The whole process group: the supervisor was started as its leader (detached), so this also
  // ends the command under it, and anything that command started.
  if (await isOurs(p)) signal(-p.pid, "SIGKILL");
  for (let i = 0; i < 100 && (await isOurs(p)); i++) await sleep(20);
  return "killed";
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    // ESRCH: it exited between the check and the signal. EPERM: a group member that is not ours.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ESRCH" && code !== "EPERM") throw e;
  }
}

/**
 * Processes carrying `APISHIP_OWNER=<owner>` in their environment: the ownership label of every
 * process apiship starts, like a cloud resource's tags. This finds one that was started by a run
 * killed before it could record it. Linux only (/proc/<pid>/environ, readable for one's own
 * processes); elsewhere the recorded marker is the only record.
 */
export async function findOwned(owner: string): Promise<ProcessId[]> {
  if (!onLinux) return [];
  const needle = `\0APISHIP_OWNER=${owner}\0`;
  const out: ProcessId[] = [];
  const entries = await readdir("/proc").catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        const pid = Number(e);
        const environ = await readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
        if (!`\0${environ}`.includes(needle)) return;
        const id = await identify(pid);
        if (id) out.push({ pid, ...id });
      }),
  );
  return out.sort((a, b) => a.pid - b.pid);
}

/** One variable of a live owned process's environment (never a secret: callers ask for apiship's own keys). */
export async function ownedEnv(pid: number, name: string): Promise<string | undefined> {
  if (!onLinux) return undefined;
  const environ = await readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
  const hit = environ.split("\0").find((kv) => kv.startsWith(`${name}=`));
  return hit?.slice(name.length + 1);
}
