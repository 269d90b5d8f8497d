// The package as users get it (issue 17): `npm pack` once, then the tarball
// installed into fresh projects in a temporary directory:
//  - an ES module in JavaScript running the README's JavaScript example, and
//    the installed CLI (--version, --help, `stress --cycles 200`);
//  - TypeScript, strict, skipLibCheck false, lib ES2022 + ESNext.Disposable
//    with @types/node, compiling and running the README's TypeScript example
//    (`await using`);
//  - TypeScript with the DOM lib and no Node types, using `await using`,
//    then bundled by Vite with its default asset handling (the core's
//    new URL(…, import.meta.url) found and copied) and run in Chromium.
// The tarball must hold no tests or sources users do not need and no source
// map that points at a missing file, and installing it must run no script.
//
// The package is packed with --ignore-scripts: `npm test` has just built it,
// and the `prepack` build is what a publish runs.

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStaticServer } from "../src/demo/server.js";
import { chromiumUnavailable, launchChromium } from "./support/chromium.js";
import { readmeBlock } from "./support/readme.js";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("..", import.meta.url));
const tsc = join(repo, "node_modules/typescript/bin/tsc");
const vite = join(repo, "node_modules/vite/bin/vite.js");
/** The Node types a Node 20 user has; the repository's own pin. */
const typesNode = `@types/node@${(JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies["@types/node"]}`;

interface Packed {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { path: string; size: number }[];
}

/** The environment of every npm and node child: no switches of this test run leak into the consumers. */
const childEnv = { ...process.env, UNLOADABLE_SHUTDOWN_CHECK: "", NODE_OPTIONS: "" };

function project(dir: string, manifest: object, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, type: "module", ...manifest }, null, 2));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** npm install of the tarball (and extra packages) into `dir`; resolves with npm's output. */
async function install(dir: string, tarball: string, extra: string[] = []): Promise<string> {
  // --prefer-offline: the cache answers for what it holds (a CI machine's npm ci filled it); the registry for the rest.
  const { stdout, stderr } = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, ...extra], { cwd: dir, env: childEnv, timeout: 240_000 });
  return stdout + stderr;
}

const strictOptions = { strict: true, skipLibCheck: false, noEmitOnError: true, target: "ES2022" };

describe("the packed package", () => {
  let work: string;
  let packed: Packed;
  let tarball: string;
  const installLogs: Record<string, string> = {};

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "unloadable-package-"));
    const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: repo, env: childEnv });
    packed = (JSON.parse(stdout) as Packed[])[0]!;
    tarball = join(work, packed.filename);
    process.stdout.write(`npm pack: ${packed.filename}, ${(packed.size / 1024).toFixed(1)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${packed.files.length} files\n`);

    project(join(work, "js"), { name: "consumer-js" }, { "example.js": readmeBlock("example: javascript") });
    project(join(work, "ts-node"), { name: "consumer-ts-node" }, {
      "tsconfig.json": JSON.stringify({ compilerOptions: { ...strictOptions, lib: ["ES2022", "ESNext.Disposable"], types: ["node"], module: "NodeNext", moduleResolution: "NodeNext", outDir: "out" }, include: ["example.ts"] }),
      "example.ts": readmeBlock("example: typescript"),
    });
    project(join(work, "ts-dom"), { name: "consumer-ts-dom" }, {
      "tsconfig.json": JSON.stringify({ compilerOptions: { ...strictOptions, lib: ["ES2022", "ESNext.Disposable", "DOM"], types: [], module: "ESNext", moduleResolution: "Bundler", noEmit: true }, include: ["src"] }),
      "src/using.ts": [
        `import { Runtime } from "unloadable";`,
        `export async function blocks(): Promise<number> {`,
        `  await using rt = await Runtime.start({ sanity: true });`,
        `  const list = rt.scope(() => { let cell = rt.block(0, [null, null]); for (let i = 0; i < 100; i++) cell = rt.block(0, [i, cell]); return cell; });`,
        `  rt.gc({ major: true });`,
        `  return list.get(0) as number;`,
        `}`,
      ].join("\n"),
      // The bundled page: try/finally, so the bundle needs no lowering of `await using`.
      "src/main.ts": [
        `import { Chan, Runtime } from "unloadable";`,
        `const rt = await Runtime.start({ sanity: true });`,
        `let result: Record<string, unknown> = {};`,
        `try {`,
        `  const chan = new Chan<string>(rt);`,
        `  await chan.write("from the bundle");`,
        `  const b = rt.block(3, [1.5, "two", null]);`,
        `  rt.gc({ major: true });`,
        `  result = { read: await chan.read(), field: b.get(1), pages: rt.stats().memoryPages };`,
        `} finally {`,
        `  const report = await rt.shutdown();`,
        `  result = { ...result, leakedBlocks: report.leakedBlocks };`,
        `}`,
        `document.body.dataset["result"] = JSON.stringify(result);`,
      ].join("\n"),
      "index.html": `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><script type="module" src="/src/main.ts"></script></body></html>`,
    });
    const [js, tsNode, tsDom] = await Promise.all([install(join(work, "js"), tarball), install(join(work, "ts-node"), tarball, [typesNode]), install(join(work, "ts-dom"), tarball)]);
    Object.assign(installLogs, { js, "ts-node": tsNode, "ts-dom": tsDom });
  }, 300_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("holds the library, its declarations and maps, the core's builds, the demo, README and docs, and nothing else", () => {
    const paths = packed.files.map((f) => f.path);
    // assembly/ is the core's AssemblyScript, which a plugin imports and builds (docs/plugins.md).
    const unexpected = paths.filter((p) => !/^(dist\/src\/.+\.(js|d\.ts|js\.map)|dist\/build\/[\w.-]+\.wasm|examples\/browser\/[\w.-]+|assembly\/[\w./-]+\.(ts|json)|docs\/[\w.-]+\.md|README\.md|package\.json)$/.test(p));
    expect(unexpected).toEqual([]);
    for (const needed of ["dist/src/index.js", "dist/src/index.d.ts", "dist/src/cli.js", "dist/build/unloadable.wasm", "dist/build/unloadable.debug.wasm", "dist/build/testlib-resources.wasm", "examples/browser/index.html"]) {
      expect(paths).toContain(needed);
    }
    expect(paths.filter((p) => /(^|\/)(test|bench|testlib|scripts|src)\//.test(p) && !p.startsWith("dist/src/") || (p.endsWith(".ts") && !p.endsWith(".d.ts") && !p.startsWith("assembly/")))).toEqual([]);
  });

  it("has a map beside every script that names one, each carrying its sources", () => {
    const root = join(work, "js/node_modules/unloadable");
    const scripts = packed.files.map((f) => f.path).filter((p) => p.endsWith(".js") && p.startsWith("dist/"));
    const broken: string[] = [];
    for (const script of scripts) {
      const named = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(root, script), "utf8"))?.[1];
      if (named === undefined) continue;
      const mapPath = join(root, script, "..", named);
      if (!existsSync(mapPath)) {
        broken.push(`${script}: ${named} missing`);
        continue;
      }
      const map = JSON.parse(readFileSync(mapPath, "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      if (map.sourcesContent?.length !== map.sources.length || map.sourcesContent.some((s) => typeof s !== "string")) broken.push(`${script}: map without its sources`);
    }
    expect(broken).toEqual([]);
  });

  it("installs without running or asking to run any script", () => {
    for (const [name, log] of Object.entries(installLogs)) {
      expect(log, name).not.toMatch(/install-scripts|prepare|postinstall|> unloadable@/);
    }
  });

  it("runs the README's JavaScript example from an ES module", async () => {
    const { stdout } = await run("node", ["example.js"], { cwd: join(work, "js"), env: childEnv });
    expect(stdout.trim().split("\n")).toEqual(["42", "hello", "finalised 7", "leaked blocks: 0"]);
  });

  it("answers --version and --help from the installed bin", async () => {
    const bin = join(work, "js/node_modules/.bin/unloadable");
    const version = await run(bin, ["--version"], { env: childEnv });
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string }).version);
    const help = await run(bin, ["--help"], { env: childEnv });
    expect(help.stdout).toMatch(/stress \[options\]/);
    expect(help.stdout).toMatch(/demo \[options\]/);
    expect(help.stdout).toMatch(/-V, --version/);
  });

  it("passes `npx unloadable stress --cycles 200` from the installed package", async () => {
    const { stdout } = await run("npx", ["--no-install", "unloadable", "stress", "--cycles", "200", "--no-progress"], { cwd: join(work, "js"), env: childEnv, timeout: 240_000 });
    expect(stdout).toMatch(/instances collected after forced GC\s+200\/200/);
    expect(stdout).toMatch(/^PASS \(seed \d+\)$/m);
  }, 300_000);

  it("compiles the README's TypeScript example (strict, skipLibCheck false, ES2022 + ESNext.Disposable, @types/node) and runs it", async () => {
    const dir = join(work, "ts-node");
    await run("node", [tsc, "-p", "tsconfig.json"], { cwd: dir, env: childEnv }).catch((error: { stdout: string }) => {
      throw new Error(`tsc failed:\n${error.stdout}`);
    });
    const { stdout } = await run("node", ["out/example.js"], { cwd: dir, env: childEnv });
    expect(stdout).toMatch(/^42\nhello\n/);
    expect(stdout).toMatch(/finalised 7/);
  }, 180_000);

  it("compiles `await using` with the DOM lib and no Node types (strict, skipLibCheck false)", async () => {
    await run("node", [tsc, "-p", "tsconfig.json"], { cwd: join(work, "ts-dom"), env: childEnv }).catch((error: { stdout: string }) => {
      throw new Error(`tsc failed:\n${error.stdout}`);
    });
  }, 180_000);

  describe("bundled by Vite", () => {
    let assets: string[];
    beforeAll(async () => {
      await run("node", [vite, "build", "--logLevel", "warn"], { cwd: join(work, "ts-dom"), env: childEnv, timeout: 120_000 });
      assets = readdirSync(join(work, "ts-dom/dist/assets"));
    }, 180_000);

    it("copies the core's build into the bundle by its default handling of new URL(…, import.meta.url)", () => {
      expect(assets.filter((a) => a.endsWith(".wasm")).length).toBeGreaterThan(0);
    });

    describe.skipIf(chromiumUnavailable !== undefined)("in headless Chromium", () => {
      let browser: Browser;
      afterAll(async () => browser?.close());

      it("runs the bundle: a runtime starts, works and shuts down with nothing leaked", async () => {
        const server = await startStaticServer(join(work, "ts-dom/dist"), ["/"], 0, "/index.html");
        try {
          browser = await launchChromium();
          const page = await browser.newPage();
          const errors: string[] = [];
          page.on("pageerror", (error) => errors.push(String(error)));
          await page.goto(server.pageUrl);
          await page.waitForFunction(() => document.body.dataset["result"] !== undefined, null, { timeout: 60_000 });
          const result = JSON.parse((await page.evaluate(() => document.body.dataset["result"]))!) as Record<string, unknown>;
          expect(errors).toEqual([]);
          expect(result).toEqual({ read: "from the bundle", field: "two", pages: expect.any(Number), leakedBlocks: 0 });
        } finally {
          await server.close();
        }
      }, 120_000);
    });
  });
});
