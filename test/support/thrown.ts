// What a call threw, for tests that then look at the error's fields (a
// SanityError's check, field, generation) rather than only its class.

/** The value `fn` threw, or undefined when it returned. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (thrown) {
    return thrown;
  }
  return undefined;
}
