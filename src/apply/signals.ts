// SIGINT for deploy, destroy and rollback (DESIGN.md §6). The first Ctrl-C aborts the
// returned signal, which the engine treats as "launch nothing new" while calls in flight finish
// (or time out after the grace period), the state is written and the lock released. The second
// exits at once with 130: the intents recorded before each mutating call keep the state
// consistent even then. The command installs it around the engine call and disposes it after.

export interface InterruptHandle {
  /** Aborted by the first SIGINT: pass it to deployStack/destroyStack/rollbackStack as `signal`. */
  signal: AbortSignal;
  /** Removes the handler; call it in a finally. */
  dispose(): void;
}

export interface InterruptOptions {
  /** Default process; tests pass an EventEmitter. */
  target?: Pick<NodeJS.Process, "on" | "off">;
  /** Default process.exit; tests pass a spy. */
  exit?: (code: number) => void;
  /** Told once on the first SIGINT, e.g. to print "finishing calls in flight; Ctrl-C again to quit". */
  onFirst?: () => void;
}

export function installInterrupt(opts: InterruptOptions = {}): InterruptHandle {
  const target = opts.target ?? process;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) return exit(130);
    controller.abort();
    opts.onFirst?.();
  };
  // SIGTERM (a cancelled CI job, a stopped container) gets the same graceful first stop.
  target.on("SIGINT", onSigint);
  target.on("SIGTERM", onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      target.off("SIGINT", onSigint);
      target.off("SIGTERM", onSigint);
    },
  };
}
