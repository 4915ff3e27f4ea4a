// The closed set of errors apiship raises (DESIGN.md §9.5). Everything a user can see as a
// failure is one of these; anything else that escapes is wrapped as an InternalError by the
// CLI so that no stack trace reaches a user for bad input.

export type Fault = "user" | "cloud" | "internal";

/** A problem found in a manifest, with where it is and how to fix it. */
export interface Diagnostic {
  severity: "error" | "warning";
  /** Stable machine code, e.g. "unknown-target", "yaml-syntax". */
  code: string;
  message: string;
  /** JSON path inside the manifest, e.g. "targets.lambda.region"; "" for the document. */
  path: string;
  file?: string;
  line?: number;
  column?: number;
  hint?: string;
}

export interface ErrorDetails {
  hint?: string;
  cause?: unknown;
}

// Plugins (and the bundled CLI) may hold their own copy of this module, so `instanceof` checks
// by brand and class kind along the prototype chain rather than by object identity. The kind is
// a string each class declares, not its `name`: the minified bundle renames classes.
const BRAND = Symbol.for("apiship.error");

function hasClassInChain(value: object, kind: string): boolean {
  for (let p: unknown = Object.getPrototypeOf(value); p; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { kind?: string } }).constructor?.kind === kind) return true;
  }
  return false;
}

export abstract class ApishipError extends Error {
  /** The class's name, kept through minification: `error.name`, and what instanceof matches. */
  static readonly kind: string = "ApishipError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== "object" || value === null || !(BRAND in value)) return false;
    return hasClassInChain(value, this.kind);
  }

  readonly [BRAND] = true;
  abstract readonly code: string;
  abstract readonly exitCode: number;
  abstract readonly fault: Fault;
  readonly hint: string | undefined;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = (new.target as unknown as typeof ApishipError).kind;
    this.hint = details.hint;
  }

  /** The JSON shape of the error in the `--json` envelope. */
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, fault: this.fault };
  }
}

/** The manifest cannot be loaded or is invalid. Carries every diagnostic found, not just the first. */
export class ManifestError extends ApishipError {
  static override readonly kind: string = "ManifestError";
  readonly code = "MANIFEST_INVALID";
  readonly exitCode = 1;
  readonly fault = "user" as const;
  readonly diagnostics: Diagnostic[];

  constructor(message: string, diagnostics: Diagnostic[], details: ErrorDetails = {}) {
    super(message, details);
    this.diagnostics = diagnostics;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), diagnostics: this.diagnostics };
  }
}

/** Bad usage of a command (flags, arguments, a missing confirmation). */
export class UsageError extends ApishipError {
  static override readonly kind: string = "UsageError";
  readonly code = "USAGE";
  readonly exitCode = 1;
  readonly fault = "user" as const;
}

/** A cloud call failed, mapped at the provider boundary. */
export class ProviderError extends ApishipError {
  static override readonly kind: string = "ProviderError";
  readonly code: string;
  readonly exitCode = 1;
  readonly fault: Fault;
  readonly retryable: boolean;
  readonly requestId: string | undefined;
  /** Seconds the cloud asked us to wait (Retry-After), when it said so. */
  readonly retryAfter: number | undefined;
  readonly target: string | undefined;
  /**
   * Attempts the client already made of the failed call under the run's retry policy: set, the
   * error's retry budget is spent and the engine does not retry the step again.
   */
  readonly spent: number | undefined;

  constructor(
    message: string,
    opts: ErrorDetails & {
      code?: string;
      fault?: Fault;
      retryable?: boolean;
      requestId?: string;
      retryAfter?: number;
      target?: string;
      spent?: number;
    } = {},
  ) {
    super(message, opts);
    this.code = opts.code ?? "PROVIDER_ERROR";
    this.fault = opts.fault ?? "cloud";
    this.retryable = opts.retryable ?? false;
    this.requestId = opts.requestId;
    this.retryAfter = opts.retryAfter;
    this.target = opts.target;
    this.spent = opts.spent;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      retryable: this.retryable,
      requestId: this.requestId,
      target: this.target,
    };
  }
}

/** The state store is unreadable, corrupt, too new, or unreachable. */
export class StateError extends ApishipError {
  static override readonly kind: string = "StateError";
  readonly code = "STATE_ERROR";
  readonly exitCode = 1;
  readonly fault = "user" as const;
}

/** A saved plan no longer matches the state or the manifest it was made from. */
export class PlanStaleError extends ApishipError {
  static override readonly kind: string = "PlanStaleError";
  readonly code = "PLAN_STALE";
  readonly exitCode = 1;
  readonly fault = "user" as const;
}

/** Another run holds the stack's lock. */
export class LockError extends ApishipError {
  static override readonly kind: string = "LockError";
  readonly code = "LOCKED";
  readonly exitCode = 1;
  readonly fault = "user" as const;
  readonly holder: Record<string, unknown> | undefined;

  constructor(message: string, details: ErrorDetails & { holder?: Record<string, unknown> } = {}) {
    super(message, details);
    this.holder = details.holder;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), holder: this.holder };
  }
}

/** A bug in apiship. The message asks the user to report it. */
export class InternalError extends ApishipError {
  static override readonly kind: string = "InternalError";
  readonly code = "INTERNAL";
  readonly exitCode = 1;
  readonly fault = "internal" as const;
}

export function isApishipError(e: unknown): e is ApishipError {
  return e instanceof ApishipError;
}

/** Turns anything thrown into a member of the closed set. */
export function toApishipError(e: unknown): ApishipError {
  if (isApishipError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new InternalError(`unexpected error: ${message}`, {
    cause: e,
    hint: "this is a bug in apiship; please report it with the command you ran (set APISHIP_DEBUG=1 for a stack trace)",
  });
}

/** Exit codes of DESIGN.md §6. */
export const ExitCode = {
  ok: 0,
  error: 1,
  changes: 2,
  partial: 3,
  interrupted: 130,
} as const;
