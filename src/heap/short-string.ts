// A JS string from up to SHORT_UNITS code units of the core's memory, with
// String.fromCharCode called on exactly that many arguments.
//
// Note [Short strings without apply]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// fromCharCode.apply over a plain array of the code units was half of a
// Block.get of a fresh 16-character string (issue 18's string16-cold case:
// ~53 ns of ~97): apply builds an arguments frame from the array, and the
// array itself is an allocation. A direct call with the code units as its
// arguments is a builtin V8 inlines: 28 ns for 16 units against 55, 12
// against 30 for one, 18 against 40 over mixed lengths (CPU per string, a
// script over a Uint16Array, 2026-12-06). The switch is how to make that
// call without knowing the length at the call site; longer strings keep
// apply, whose cost is then a smaller share of the copy.

/** Strings up to this many code units are made by shortString. */
export const SHORT_UNITS = 16;

const fromCharCode = String.fromCharCode;

/** The string of the `n` code units of `u` from index `at`; 0 ≤ n ≤ SHORT_UNITS. */
export function shortString(u: Uint16Array, at: number, n: number): string {
  switch (n) {
    case 0:
      return "";
    case 1:
      return fromCharCode(u[at]!);
    case 2:
      return fromCharCode(u[at]!, u[at + 1]!);
    case 3:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!);
    case 4:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!);
    case 5:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!);
    case 6:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!);
    case 7:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!, u[at + 6]!);
    case 8:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!, u[at + 6]!, u[at + 7]!);
    case 9:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!, u[at + 6]!, u[at + 7]!, u[at + 8]!);
    case 10:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!, u[at + 6]!, u[at + 7]!, u[at + 8]!, u[at + 9]!);
    case 11:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!, u[at + 6]!, u[at + 7]!, u[at + 8]!, u[at + 9]!, u[at + 10]!);
    case 12:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!, u[at + 6]!, u[at + 7]!, u[at + 8]!, u[at + 9]!, u[at + 10]!, u[at + 11]!);
    case 13:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!, u[at + 6]!, u[at + 7]!, u[at + 8]!, u[at + 9]!, u[at + 10]!, u[at + 11]!, u[at + 12]!);
    case 14:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!, u[at + 6]!, u[at + 7]!, u[at + 8]!, u[at + 9]!, u[at + 10]!, u[at + 11]!, u[at + 12]!, u[at + 13]!);
    case 15:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!, u[at + 6]!, u[at + 7]!, u[at + 8]!, u[at + 9]!, u[at + 10]!, u[at + 11]!, u[at + 12]!, u[at + 13]!, u[at + 14]!);
    case 16:
      return fromCharCode(u[at]!, u[at + 1]!, u[at + 2]!, u[at + 3]!, u[at + 4]!, u[at + 5]!, u[at + 6]!, u[at + 7]!, u[at + 8]!, u[at + 9]!, u[at + 10]!, u[at + 11]!, u[at + 12]!, u[at + 13]!, u[at + 14]!, u[at + 15]!);
  }
  throw new RangeError(`shortString: ${n} code units is more than SHORT_UNITS (${SHORT_UNITS})`);
}
