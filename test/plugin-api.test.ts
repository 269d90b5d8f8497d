// Every operation of the mutator API (assembly/api.ts), called from wasm in a
// plugin (test/plugins/api-ops.ts), on a runtime with the sanity checker on
// and the smallest nursery, so a rooting or barrier mistake shows at once.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Block, CoreTrapError, MVar, PluginError, Runtime, SanityError } from "../src/index.js";

const plugin = readFileSync(new URL("../build/plugins/api-ops.wasm", import.meta.url));

async function start(options: { sanity?: boolean; faults?: { skipBarrier: "old-to-young" } } = {}): Promise<Runtime> {
  return Runtime.start({ module: plugin, sanity: options.sanity ?? true, nursery: 64 << 10, ...(options.faults ? { faults: options.faults } : {}) });
}

describe("the mutator API from a plugin", () => {
  it("encodes values: ints round-trip, the constants agree, an int too big for 31 bits traps", async () => {
    const rt = await start();
    expect(rt.call("intRoundTrip", -(2 ** 30))).toBe(-(2 ** 30));
    expect(rt.call("intRoundTrip", 2 ** 30 - 1)).toBe(2 ** 30 - 1);
    expect(rt.call("valuesAgree")).toBe(1);
    expect(() => rt.call("intTooBig")).toThrow(/fromIntChecked: 1073741824 does not fit an immediate int/);
    expect(rt.state).toBe("dead");
  });

  it("keeps an object on the root stack alive and updated across a collection between its allocation and its use", async () => {
    const rt = await start();
    expect(rt.call("rootedAcrossCollection")).toBe(30);
    rt.checkSanity();
    await rt.shutdown();
  });

  it("builds lists with the simple and the fast (Hp in a local) forms, through many collections", async () => {
    const rt = await start();
    const slow = rt.call("buildList", 50_000) as number;
    const fast = rt.call("buildListFast", 50_000) as number;
    const expected = (50_000 * 49_999) / 2;
    expect(rt.call("sumList", slow)).toBe(expected);
    expect(rt.call("sumList", fast)).toBe(expected);
    expect(rt.stats().heap.collections.total).toBeGreaterThan(10);
    const list = rt.adopt(fast) as Block;
    expect(list).toBeInstanceOf(Block);
    expect(list.get(0)).toBe(0);
    rt.scope(() => expect((list.get(1) as Block).get(0)).toBe(1));
    const block = rt.adopt(rt.call("blockFast", 6) as number) as Block;
    expect([block.tag, block.length, block.get(5)]).toEqual([7, 6, 10]);
    rt.checkSanity();
    const report = await rt.shutdown();
    expect(report.leakedBlocks).toBe(0);
  });

  it("allocates floats, bytes and strings; a heap string decodes as the same JS string", async () => {
    const rt = await start();
    expect(rt.call("floatsAndBytes")).toBe(1);
    expect(rt.adopt(rt.call("makeString") as number)).toBe("héllo ✓");
    expect(rt.stats().heap.handles.live).toBe(0);
    await rt.shutdown();
  });

  it("checks fields where asked: a checked read out of range traps naming itself; a checked write works", async () => {
    const rt = await start();
    expect(rt.call("checkedFieldsWork")).toBe(42);
    expect(() => rt.call("fieldOutOfRange")).toThrow(CoreTrapError);
    expect(rt.state).toBe("dead");
    const rt2 = await start();
    expect(() => rt2.call("setFieldOnNonBlock")).toThrow(/setFieldChecked: 0x3 is not a block/);
  });

  it("barriers setField: a young block stored into an old one survives, and sanity passes; initField there is caught", async () => {
    const rt = await start();
    const old = rt.block(0, [null, null]);
    rt.gc();
    rt.gc();
    expect(rt.stats().heap.generations[1]!.objects).toBe(1);
    rt.call("storeYoungIntoOld", rt.slotOf(old), 0);
    // The barrier recorded the old block on generation 1's remembered set.
    expect(rt.stats().heap.generations[1]!.rememberedSet).toBe(1);
    rt.gc();
    rt.gc({ major: true });
    rt.scope(() => expect((old.get(0) as Block).get(0)).toBe(99));
    rt.checkSanity();
    rt.call("storeYoungIntoOldUnbarriered", rt.slotOf(old), 1);
    expect(() => rt.gc()).toThrow(SanityError);
  });

  it("fault injection works on a plugin: with the barrier skipped, the plugin's barriered store is caught by sanity", async () => {
    const rt = await start({ faults: { skipBarrier: "old-to-young" } });
    const old = rt.block(0, [null]);
    // Two collections: through the aging generation 0 into generation 1, where stores need the barrier.
    rt.gc();
    rt.gc();
    expect(rt.stats().heap.generations[1]!.objects).toBe(1);
    rt.call("storeYoungIntoOld", rt.slotOf(old), 0);
    expect(() => rt.gc()).toThrow(SanityError);
  });

  it("the root stack: push, pop, peek, poke, and rootMark / rootRestore put back the depth found", async () => {
    const rt = await start();
    expect(rt.call("rootStackOps")).toBe(7);
    expect(rt.call("rootDepthNow")).toBe(0);
    // Entries pushed and never popped stay (and keep their objects alive) until popped or the cycle ends.
    rt.call("leakRoots", 3);
    expect(rt.call("rootDepthNow")).toBe(3);
    expect(() => rt.call("restoreAboveDepth")).toThrow(/rootRestore: mark \d+ is above the root stack's depth/);
  });

  it("handles: new, get, free; the host passes a block in with slotOf and the plugin reads it", async () => {
    const rt = await start();
    expect(rt.call("handleOps")).toBe(12);
    const b = rt.block(0, [5, 6]);
    expect(rt.call("readHostField", rt.slotOf(b), 1)).toBe(6);
    expect(rt.stats().heap.handles.live).toBe(1);
    expect(() => rt.call("handleGetFreed")).toThrow(/handleGet: \d+ is not a live handle/);
  });

  it("MVars are shared: a host take blocked on a plugin's MVar is woken by the plugin's tryPut", async () => {
    const rt = await start();
    const slot = rt.call("newEmptyMVar") as number;
    const mv = rt.adopt(slot) as MVar<number>;
    expect(mv).toBeInstanceOf(MVar);
    const taken = mv.take();
    expect(rt.call("mvarEmpty", rt.slotOf(mv))).toBe(1);
    expect(rt.call("mvarPutInt", rt.slotOf(mv), 41)).toBe(1);
    expect(await taken).toBe(41);
    await mv.put(7);
    expect(rt.call("mvarReadInt", rt.slotOf(mv))).toBe(7);
    expect(rt.call("mvarPutInt", rt.slotOf(mv), 8)).toBe(0);
    expect(rt.call("mvarTakeInt", rt.slotOf(mv))).toBe(7);
    expect(rt.call("mvarTakeInt", rt.slotOf(mv))).toBe(-1);
    rt.checkSanity();
    await rt.shutdown();
  });

  it("custom blocks finalised by the plugin's own function: at a collection, and the rest at shutdown, each once", async () => {
    const rt = await start();
    const kept = rt.call("makeCustoms", 1000, 10) as number;
    expect(rt.call("customPayloadOf", kept, 3)).toBe(4);
    rt.gc({ major: true });
    // 990 died: finalised by the plugin after the collection, with their payloads.
    expect(rt.call("customsFinalisedCount")).toBe(990);
    expect(rt.call("customPayloadTotal")).toBe((1000 * 1001) / 2 - 55);
    expect(rt.stats().finalisers).toMatchObject({ customCreated: 1000, customFinalised: 990 });
    const before = rt.stats().finalisers.customFinalised;
    const report = await rt.shutdown();
    expect(before).toBe(990);
    expect(report.customBlocksFinalised).toBe(10);
    expect(report.customBlocksUnfinalised).toBe(0);
  });

  it("the shutdown wave runs the plugin's finalise, finaliseLast and weak functions of values still alive", async () => {
    const rt = await start();
    const values = [3, 4, 5].map((n) => rt.adopt(rt.call("finalisedBlock", n) as number) as Block);
    rt.call("weakOn", rt.slotOf(values[0]!), 1);
    const report = await rt.shutdown();
    expect(report.finalisersRun).toBe(7);
    expect(report.finalisersDropped).toBe(0);
  });

  it("finalise runs after the value dies at a collection; finaliseLast after it; the weak dies with its key", async () => {
    const rt = await start();
    rt.call("resetCounts");
    const values = [3, 4, 5].map((n) => rt.adopt(rt.call("finalisedBlock", n) as number) as Block);
    const key = rt.adopt(rt.call("finalisedBlock", 100) as number) as Block;
    const weak = rt.call("weakOn", rt.slotOf(key), 77) as number;
    for (const v of values) v.free();
    rt.gc({ major: true });
    rt.gc({ major: true });
    expect(rt.call("finalisedValueTotal")).toBe(12);
    expect(rt.call("lastsRunCount")).toBe(3);
    expect(rt.call("weakValueOf", weak)).toBe(77);
    key.free();
    rt.gc({ major: true });
    rt.gc({ major: true });
    expect(rt.call("weakValueOf", weak)).toBe(-1);
    expect(rt.call("weakFinalizersRunCount")).toBe(1);
    expect(rt.call("finalisedValueTotal")).toBe(112);
    rt.checkSanity();
    const stats = rt.stats().finalisers;
    expect(stats.functionsRegistered).toBe(9);
    expect(stats.functionsRun).toBe(9);
    await rt.shutdown();
  });
});

describe("plugins: the module and the calls", () => {
  it("refuses a module that is not built on the core, with a PluginError that says how to build one", async () => {
    const testlib = readFileSync(new URL("../build/testlib-resources.wasm", import.meta.url));
    await expect(Runtime.start({ module: testlib })).rejects.toThrow(PluginError);
    await expect(Runtime.start({ module: testlib })).rejects.toThrow(/no abi_version export.*export \* from "unloadable\/assembly"/);
    await expect(Runtime.start({ module: new Uint8Array([0, 97, 115, 109]) })).rejects.toThrow(/do not compile as WebAssembly/);
    // A module with abi_version and nothing else: built on the core in name only.
    const onlyVersion = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // types: () -> i32
      0x03, 0x02, 0x01, 0x00, // functions: one of type 0
      0x07, 0x0f, 0x01, 0x0b, ...new TextEncoder().encode("abi_version"), 0x00, 0x00, // export it
      0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x01, 0x0b, // body: i32.const 1
    ]);
    await expect(Runtime.start({ module: onlyVersion })).rejects.toThrow(/another version of the unloadable core, or re-exports only part of it: missing or different exports rt_init, rt_exit, .* \(\d+ in all\)/);
    const wrong = readFileSync(new URL("../build/plugins/wrong-abi.wasm", import.meta.url));
    await expect(Runtime.start({ module: wrong })).rejects.toThrow(PluginError);
    await expect(Runtime.start({ module: wrong })).rejects.toThrow(/built on ABI version 999 of the unloadable core; this host speaks version 1/);
  });

  it("refuses bad options and bad calls with package errors", async () => {
    await expect(Runtime.start({ module: "plugin.wasm" as unknown as Uint8Array })).rejects.toThrow(/module must be a plugin's bytes/);
    await expect(Runtime.start({ module: plugin, build: "debug" })).rejects.toThrow(/build chooses a build of the default core/);
    await expect(Runtime.start({ imports: {} })).rejects.toThrow(/imports are a plugin's own imports/);
    const rt = await start();
    expect(() => rt.call("noSuchExport")).toThrow(/no function export 'noSuchExport'; its exports are .*buildList/);
    expect(() => rt.call("gc_collect", 1)).toThrow(/export of the core's ABI/);
    expect(() => rt.call("sumList", "1" as unknown as number)).toThrow(/arguments must be numbers/);
    expect(() => rt.adopt(12345)).toThrow(/not a live handle slot/);
    const plain = await Runtime.start();
    expect(() => plain.call("buildList", 1)).toThrow(/default core, which has no exports of its own/);
    expect(plain.plugin).toBeUndefined();
    expect(() => rt.slotOf(plain.block(0, []))).toThrow(/another runtime|runtime #/);
    await plain.shutdown();
    expect(rt.state).toBe("running");
    await rt.shutdown();
  });

  it("compiles a source once: runtimes started from the same bytes share the module; restart keeps the plugin", async () => {
    const a = await start();
    const b = await start();
    expect(a.plugin!.exportNames).toEqual(b.plugin!.exportNames);
    expect(a.plugin!.exportNames).toContain("rootedAcrossCollection");
    a.call("buildList", 1000);
    await a.restart();
    expect(a.call("sumList", a.call("buildList", 100) as number)).toBe(4950);
    expect(a.stats().cycles).toBe(1);
    await a.shutdown();
    await b.shutdown();
  });
});
