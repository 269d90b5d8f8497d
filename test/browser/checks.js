// Behaviour checks run inside a Chromium page by test/browser.test.ts: the
// library imported as the package ships it (dist/src/index.js, served with
// the core's builds by the demo server), each check returning what it saw
// for the test to assert on. Plain JavaScript: it runs in the page as is.

import {
  BlockedIndefinitelyError,
  BoundedChan,
  Chan,
  Runtime,
  SanityError,
  ShutdownError,
  StaleHandleError,
} from "../../dist/src/index.js";

const errorName = (error) => (error instanceof Error ? error.name : String(error));

export async function startAndShutdown() {
  const rt = await Runtime.start();
  const running = rt.state;
  const pages = rt.stats().memoryPages;
  const report = await rt.shutdown();
  let after;
  try {
    rt.stats();
  } catch (error) {
    after = { name: errorName(error), isShutdownError: error instanceof ShutdownError };
  }
  return { running, pages, state: rt.state, leakedBlocks: report.leakedBlocks, leakedBytes: report.leakedBytes, after, again: (await rt.shutdown()) === report };
}

export async function blocksAndCollections() {
  const rt = await Runtime.start({ sanity: true, nursery: 64 << 10, generations: 3 });
  const bytes = new Uint8Array([1, 2, 3, 250]);
  const values = rt.block(7, [42, -1.5, 2 ** 40, "héllo", bytes, true, null]);
  const list = rt.scope(() => {
    let cell = rt.block(0, [null, null]);
    for (let i = 0; i < 20_000; i++) cell = rt.block(0, [i, cell]);
    return cell;
  });
  rt.gc({ major: true });
  // An old object made to point at a young one: the write barrier must remember it.
  const young = rt.block(1, ["young"]);
  values.set(6, young);
  young.free();
  rt.gc();
  rt.gc({ major: true });
  rt.checkSanity();
  let length = 0;
  let sum = 0;
  rt.scope(() => {
    for (let cell = list; cell.get(1) !== null; cell = cell.get(1)) {
      sum += cell.get(0);
      length++;
    }
  });
  const read = [values.get(0), values.get(1), values.get(2), values.get(3), Array.from(values.get(4)), values.get(5), values.get(6).get(0)];
  const stats = rt.stats();
  const tag = values.tag;
  const report = await rt.shutdown();
  return { length, sum, read, tag, collections: stats.heap.generations.map((g) => g.collections), leakedBlocks: report.leakedBlocks };
}

export async function sanityCatchesABrokenBarrier() {
  const rt = await Runtime.start({ faults: { skipBarrier: "old-to-young" } });
  const old = rt.block(0, [null, null]);
  // Two minor collections age it into generation 1.
  rt.gc();
  rt.gc();
  rt.checkSanity();
  old.set(1, rt.block(1, []));
  let caught;
  try {
    rt.checkSanity();
  } catch (error) {
    caught = { name: errorName(error), isSanityError: error instanceof SanityError, check: error.check, field: error.field };
  }
  await rt.shutdown().catch(() => {});
  return caught;
}

export async function mvarsAndChannels() {
  const rt = await Runtime.start({ sanity: true });
  const mv = rt.mvar();
  const order = [];
  const takers = [1, 2, 3].map((n) => mv.take().then((v) => order.push(`taker ${n} got ${v}`)));
  for (const v of ["a", "b", "c"]) await mv.put(v);
  await Promise.all(takers);
  const tries = [mv.tryTake(), mv.tryPut(5), mv.tryPut(6), mv.tryRead(), mv.tryTake(), mv.isEmpty()];

  const chan = new Chan(rt);
  for (let i = 0; i < 100; i++) await chan.write(i);
  const read = [];
  for (let i = 0; i < 100; i++) read.push(await chan.read());

  const bounded = new BoundedChan(rt, 2);
  let received = 0;
  const consumer = (async () => {
    for (let i = 0; i < 500; i++) received += await bounded.read();
  })();
  for (let i = 1; i <= 500; i++) await bounded.write(i);
  await consumer;

  // A thread blocked on an MVar nobody else can reach is told so at the next major collection.
  const lonely = rt.mvar();
  const blocked = lonely.take().then(() => "woken", (error) => errorName(error) + (error instanceof BlockedIndefinitelyError ? " (BlockedIndefinitelyError)" : ""));
  lonely.free();
  rt.gc({ major: true });
  const deadlock = await blocked;

  const pending = rt.mvar().take().then(() => "taken", (error) => errorName(error));
  const report = await rt.shutdown();
  return { order, tries, inOrder: read.every((v, i) => v === i), received, deadlock, pending: await pending, pendingOperationsRejected: report.pendingOperationsRejected, leakedBlocks: report.leakedBlocks };
}

export async function finalisers() {
  const rt = await Runtime.start({ sanity: true });
  const ran = [];
  const early = rt.custom(1, (payload) => ran.push(`custom ${payload}`));
  rt.custom(2, (payload) => ran.push(`custom ${payload}`));
  early.free();
  rt.gc({ major: true });
  const afterCollection = [...ran];
  const order = [];
  const blocks = ["a", "b", "c"].map((name) => {
    const b = rt.block(0, [name]);
    rt.finalise(b, (v) => order.push(`first ${v.get(0)}`));
    rt.finaliseLast(b, () => order.push(`last ${name}`));
    return b;
  });
  const key = rt.block(0, ["key"]);
  const weak = rt.weak(key, "value", () => order.push("weak finalizer"));
  const before = weak.deref();
  for (const b of blocks) b.free();
  key.free();
  rt.gc();
  rt.gc();
  const after = weak.deref();
  let stale;
  try {
    key.get(0);
  } catch (error) {
    stale = error instanceof StaleHandleError;
  }
  const report = await rt.shutdown();
  return { afterCollection, atShutdown: ran, order, before, after, stale, customBlocksFinalised: report.customBlocksFinalised, leakedBlocks: report.leakedBlocks };
}

export async function restart() {
  const rt = await Runtime.start();
  const pages = [];
  const reports = [];
  for (let i = 0; i < 50; i++) {
    rt.scope(() => {
      for (let j = 0; j < 5_000; j++) rt.block(0, [j, "x"]);
    });
    rt.custom(i, () => {});
    reports.push(await rt.restart());
    pages.push(rt.stats().memoryPages);
  }
  const last = await rt.shutdown();
  return { pages, cycles: last.cycle, leaked: reports.reduce((n, r) => n + r.leakedBlocks, 0), finalised: reports.reduce((n, r) => n + r.customBlocksFinalised, 0) };
}
