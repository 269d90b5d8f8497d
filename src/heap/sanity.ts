// Reading a checker's verdict out of the core (assembly/failure.ts) into a
// SanityError: the check's name, the object, its kind and generation, the
// field and the target's generation.

import { liftString } from "../core/trap.js";
import { type CoreExports } from "../core/exports.js";
import { SanityError } from "../core/errors.js";
import { kindName } from "./values.js";

/** Check codes of assembly/failure.ts and assembly/sanity.ts, by name. */
const checkNames: Record<number, string> = {
  1: "ring",
  2: "lifecycle",
  16: "object",
  17: "value",
  18: "pointer",
  19: "remembered",
  20: "remset",
  21: "handles",
  22: "hostrefs",
  23: "counters",
  24: "mvar",
  25: "customs",
  26: "weaks",
  27: "finalisers",
  28: "ephemerons",
};

/** First heap check code (CHECK_FIRST_HEAP). */
const FIRST_HEAP_CHECK = 16;

/** The verdict the core recorded, as an error; clears the record. */
export function sanityErrorFrom(core: CoreExports): SanityError {
  const code = core.failure_check();
  const check = checkNames[code] ?? `check#${code}`;
  const message = liftString(core.memory, core.failure_message());
  const address = core.failure_address() >>> 0;
  const field = core.failure_field();
  const error = code >= FIRST_HEAP_CHECK
    ? new SanityError(check, message, address, field, {
        kind: kindName(core.failure_kind()),
        generation: core.failure_generation(),
        targetGeneration: core.failure_target(),
      })
    : new SanityError(check, message, address, field);
  core.failure_clear();
  return error;
}
