// Note [A scope is the backstop] (src/heap/handles.ts): handles made in a
// scope are freed by it, not registered with the FinalizationRegistry; the
// one a scope returns past the last scope is registered then, so it is still
// reclaimed when dropped without free().

import { expect, test } from "vitest";
import { Runtime } from "../src/index.js";

async function collectUntil(done: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 50 && !done(); attempt++) {
    globalThis.gc!();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("a handle a scope returns to no enclosing scope is reclaimed when dropped without free()", async () => {
  const rt = await Runtime.start();
  const drop = (): void => {
    for (let i = 0; i < 1000; i++) rt.scope(() => { rt.block(0, [i]); return rt.block(0, [i]); });
  };
  drop();
  // The inner blocks went with their scopes; the returned ones are held.
  expect(rt.stats().heap.handles.live).toBe(1000);
  await collectUntil(() => rt.stats().heap.handles.live === 0);
  const handles = rt.stats().heap.handles;
  expect(handles.live).toBe(0);
  expect(handles.reclaimedByFinalizer).toBe(1000);
  await rt.shutdown();
});

test("a handle returned to an enclosing scope dies with that scope, not the registry", async () => {
  const rt = await Runtime.start();
  rt.scope(() => {
    for (let i = 0; i < 100; i++) rt.scope(() => rt.block(0, [i]));
    expect(rt.stats().heap.handles.live).toBe(100);
  });
  expect(rt.stats().heap.handles.live).toBe(0);
  await collectUntil(() => false);
  expect(rt.stats().heap.handles.reclaimedByFinalizer).toBe(0);
  await rt.shutdown();
});
