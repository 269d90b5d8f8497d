// Central failure reporting for the core, both kinds:
//  - fail(): a broken promise inside the core (double free, corrupted ring, an
//    unreachable state). It aborts; the host turns the trap into CoreTrapError
//    and discards the instance, since its memory can no longer be trusted.
//  - recordFailure(): a checker's verdict (the sanity checker and each
//    module's ...InvariantCheck()). It records which check failed, on which
//    object and field, and returns; the host reads the record and throws
//    SanityError, and the caller decides whether the instance lives on.
//
// The record, read by the host through the failure_* exports:
//   check       CHECK_* code below (0: nothing recorded)
//   message     a UTF-16 string naming the function, the object and the rule
//   address     the object (or ring header) that broke the rule
//   kind        the object's kind, when it is a heap object
//   generation  the object's generation
//   field       the field index (or ring position)
//   target      the generation the field points into

/** No failure recorded. */
@inline export const CHECK_NONE: u32 = 0;
/** The allocator ring (pool.ts, Note [The ring rule]). */
@inline export const CHECK_RING: u32 = 1;
/** The lifecycle's reference count and shutdown order (lifecycle.ts). */
@inline export const CHECK_LIFECYCLE: u32 = 2;
// Heap checks (sanity.ts) take the codes from 16 up.
@inline export const CHECK_FIRST_HEAP: u32 = 16;

let failedCheck: u32 = CHECK_NONE;
let failedMessage: string | null = null;
let failedAddress: usize = 0;
let failedKind: u32 = 0;
let failedGeneration: i32 = 0;
let failedField: i32 = 0;
let failedTarget: i32 = 0;

/** Aborts the instance with a message that names the function and the rule. */
export function fail(message: string): void {
  abort(message);
}

/** Formats an address as 0x… for messages. */
export function hex(n: usize): string {
  return "0x" + (<u32>n).toString(16);
}

/** Records a checker's verdict; only the first failure of a check run is kept. */
export function recordFailure(check: u32, message: string, address: usize, kind: u32, generation: i32, field: i32, target: i32): void {
  if (failedCheck != CHECK_NONE) return;
  failedCheck = check;
  failedMessage = message;
  failedAddress = address;
  failedKind = kind;
  failedGeneration = generation;
  failedField = field;
  failedTarget = target;
}

/** Forgets the record, every field of it (lifecycle.ts: each exit starts clean). */
export function clearFailure(): void {
  failedCheck = CHECK_NONE;
  failedMessage = null;
  failedAddress = 0;
  failedKind = 0;
  failedGeneration = 0;
  failedField = 0;
  failedTarget = 0;
}

export function failureCheck(): u32 { return failedCheck; }
export function failureMessage(): usize { return changetype<usize>(failedMessage); }
export function failureAddress(): usize { return failedAddress; }
export function failureKind(): u32 { return failedKind; }
export function failureGeneration(): i32 { return failedGeneration; }
export function failureField(): i32 { return failedField; }
export function failureTarget(): i32 { return failedTarget; }
