// The base of the commands that run the engine on stacks (deploy, destroy, rollback): each
// stack's run gets its own progress view and Ctrl-C handler (engine.ts, engineIo), disposed on
// every path, and the inputs every engine call takes. The commands differ only in the call.

import { dirname } from "node:path";
import type { EngineOptions } from "../apply/begin.js";
import { BaseCommand } from "./base-command.js";
import type { Loaded } from "./context.js";
import { engineIo } from "./engine.js";
import type { StackJob } from "./stacks.js";

export abstract class EngineCommand<T> extends BaseCommand<T> {
  /** The live view's rows are on this terminal: the result leaves out what they show. */
  protected liveOnScreen = false;
  protected override streamsEvents = true;

  /** Runs `call` on one stack with this command's progress view and Ctrl-C handling. */
  protected async onStack<R>(
    loaded: Loaded,
    job: StackJob,
    call: (opts: EngineOptions) => Promise<R>,
  ): Promise<R> {
    const io = engineIo(this.jsonMode);
    this.liveOnScreen ||= io.liveOnScreen;
    try {
      return await call({
        stack: job.stack,
        registry: loaded.registry,
        store: job.store,
        env: process.env,
        baseDir: dirname(job.manifest.file),
        progress: io.progress,
        signal: io.signal,
      });
    } finally {
      io.dispose();
    }
  }
}
