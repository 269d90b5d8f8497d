// Every error the package throws, in one place. Each class has a stable `code`
// so callers (and tests) can tell failures apart without parsing messages, and
// each message says what went wrong and what to do about it.

/** Base class of every error thrown by unloadable. */
export class UnloadableError extends Error {
  /** Stable identifier of the failure, e.g. `ERR_SHUTDOWN`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An argument or option was missing, of the wrong type or out of range. */
export class ArgumentError extends UnloadableError {
  constructor(message: string) {
    super("ERR_ARGUMENT", message);
  }
}

/** The runtime was shut down; start a new one. */
export class ShutdownError extends UnloadableError {
  constructor(operation: string) {
    super("ERR_SHUTDOWN", `${operation}: this runtime has been shut down; start a new one with Runtime.start()`);
  }
}

/**
 * The core trapped (a failed internal check, an out-of-bounds access, memory
 * that could not grow). The instance is discarded and never used again;
 * anything pending on it is rejected. Other runtimes are unaffected.
 */
export class CoreTrapError extends UnloadableError {
  /** The trap's own message, as the core or the engine reported it. */
  readonly trap: string;

  constructor(operation: string, trap: string, options?: ErrorOptions) {
    super("ERR_CORE_TRAP", `${operation}: the core trapped: ${trap}. This runtime is discarded; start a new one with Runtime.start()`, options);
    this.trap = trap;
  }
}

/** init/exit were not balanced. */
export class LifecycleError extends UnloadableError {
  constructor(message: string) {
    super("ERR_LIFECYCLE", message);
  }
}

/** A checker found a broken invariant (the ring, and later the heap). */
export class SanityError extends UnloadableError {
  /** Which check failed (`ring`, …). */
  readonly check: string;
  /** Address of the object (or ring header) that broke the rule. */
  readonly address: number;
  /** Field index, or position on the ring. */
  readonly field: number;

  constructor(check: string, message: string, address: number, field: number) {
    super("ERR_SANITY", `sanity check '${check}' failed: ${message}`);
    this.check = check;
    this.address = address;
    this.field = field;
  }
}

/**
 * Shutdown finished, but blocks were still counted as outstanding after the
 * pool was destroyed: something escaped the allocator ring. The runtime is
 * gone all the same; `report` has the figures.
 */
export class LeakError extends UnloadableError {
  readonly report: import("./report.js").ShutdownReport;

  constructor(report: import("./report.js").ShutdownReport) {
    super("ERR_LEAK", `shutdown: ${report.leakedBlocks} block(s) / ${report.leakedBytes} byte(s) were still outstanding after the pool was destroyed: they escaped the allocator ring`);
    this.report = report;
  }
}
