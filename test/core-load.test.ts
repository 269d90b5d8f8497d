// Loading the core (src/core/load.ts): one compilation per build per process,
// shared by concurrent starts, and the browser's path (fetch, then
// compileStreaming or, without the wasm MIME type, compile) against a server
// on 127.0.0.1.

import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coreUrl } from "../src/core/build-url.js";
import { compileFetched } from "../src/core/fetch-wasm.js";
import { coreModule, loadCore } from "../src/core/load.js";
import { Runtime } from "../src/index.js";

describe("loadCore", () => {
  it("compiles a build once, for concurrent callers alike, and coreModule hands out the same module", async () => {
    const [a, b] = await Promise.all([loadCore("debug"), loadCore("debug")]);
    expect(a).toBe(b);
    expect(coreModule("debug")).toBe(a);
    expect(await loadCore("debug")).toBe(a);
  });

  it("locates the builds beside the library with import.meta.url", () => {
    expect(coreUrl("release").href).toMatch(/\/build\/unloadable\.wasm$/);
    expect(coreUrl("debug").href).toMatch(/\/build\/unloadable\.debug\.wasm$/);
  });

  it("Runtime.start compiles asynchronously and starts", async () => {
    const rt = await Runtime.start();
    expect(rt.state).toBe("running");
    await rt.shutdown();
  });
});

describe("compileFetched (the browser's path)", () => {
  const bytes = readFileSync(coreUrl("release"));
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === "/wasm") response.writeHead(200, { "Content-Type": "application/wasm" }).end(bytes);
      else if (request.url === "/plain") response.writeHead(200, { "Content-Type": "application/octet-stream" }).end(bytes);
      else response.writeHead(404).end("not here");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("compiles a build served as application/wasm", async () => {
    const module = await compileFetched(new URL("/wasm", base));
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain("rt_init");
  });

  it("compiles a build served with another MIME type from its bytes", async () => {
    const module = await compileFetched(new URL("/plain", base));
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain("rt_init");
  });

  it("says where it looked and what the server answered when the build is missing", async () => {
    await expect(compileFetched(new URL("/missing.wasm", base))).rejects.toThrow(/missing\.wasm failed: HTTP 404/);
  });
});
