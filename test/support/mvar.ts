// Helpers for the MVar tests: settle the microtask queue, and see whether a
// promise has settled without waiting for it.

/** Lets every queued microtask and a few event-loop turns run. */
export async function settle(turns = 2): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** "pending", or the value / error the promise settled with, after settling. */
export async function stateOf<T>(promise: Promise<T>): Promise<{ state: "pending" } | { state: "fulfilled"; value: T } | { state: "rejected"; reason: unknown }> {
  let result: { state: "pending" } | { state: "fulfilled"; value: T } | { state: "rejected"; reason: unknown } = { state: "pending" };
  promise.then((value) => (result = { state: "fulfilled", value }), (reason) => (result = { state: "rejected", reason }));
  await settle();
  return result;
}
