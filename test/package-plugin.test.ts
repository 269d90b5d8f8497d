// The path a plugin author takes, as a test: the package is packed, installed
// into a fresh project, and the README's "Hello, plugin" (taken from the
// README itself, so the two cannot drift apart) is built with asc against the
// installed package and run through Runtime.start({ module }) and
// `unloadable stress --module`.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeBlock } from "./support/readme.js";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");

function run(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_fund: "false", npm_config_audit: "false", npm_config_update_notifier: "false" } });
}

describe("a plugin built against the installed package", () => {
  let project = "";
  const readme = readFileSync(join(root, "README.md"), "utf8");

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "unloadable-plugin-"));
    // Packed as it is built (npm test builds first): --ignore-scripts keeps pack from building again.
    const packed = run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", project], root);
    const tarball = join(project, (JSON.parse(packed) as { filename: string }[])[0]!.filename);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "hello-plugin", private: true, type: "module" }));
    const assemblyscript = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies.assemblyscript!;
    run("npm", ["install", "--prefer-offline", "--no-package-lock", tarball, `assemblyscript@${assemblyscript}`], project);
  }, 180_000);

  afterAll(() => {
    if (project !== "") rmSync(project, { recursive: true, force: true });
  });

  it("ships the AssemblyScript sources that asc resolves: unloadable/assembly and unloadable/assembly/api", () => {
    const shipped = readdirSync(join(project, "node_modules", "unloadable", "assembly"));
    expect(shipped).toEqual(expect.arrayContaining(["index.ts", "api.ts", "abi.ts", "heap", "mvar"]));
  });

  it("builds the README's plugin with asc and runs it: the list comes back, and so does every byte", () => {
    mkdirSync(join(project, "assembly"), { recursive: true });
    writeFileSync(join(project, "assembly", "hello.ts"), readmeBlock("hello-plugin: assembly/hello.ts", readme));
    const build = readmeBlock("hello-plugin: build", readme).split("\n").find((line) => line.startsWith("npx asc"))!;
    const [, ...ascArgs] = build.split(/\s+/).filter(Boolean);
    run("npx", ascArgs, project);
    writeFileSync(join(project, "main.mjs"), readmeBlock("hello-plugin: main.mjs", readme));
    const out = run("node", ["main.mjs"], project);
    expect(out).toMatch(/^0 \d+\n/);
    expect(out).toMatch(/leakedBlocks: 0/);
    expect(Number(/^0 (\d+)/.exec(out)![1])).toBeGreaterThan(0);
  }, 120_000);

  it("proves it with the harness: unloadable stress --module … --entry range passes", () => {
    const command = readmeBlock("hello-plugin: prove", readme).split("#")[0]!.trim().split(/\s+/);
    expect(command.slice(0, 2)).toEqual(["npx", "unloadable"]);
    const out = run("npx", [...command.slice(1), "--cycles", "150", "--seed", "1", "--no-progress"], project);
    expect(out).toMatch(/plugin hello\.wasm, entry range\(100000\)/);
    expect(out).toMatch(/pool outstanding after every exit\s+0 blocks \/ 0 bytes/);
    expect(out).toMatch(/^PASS/m);
  }, 180_000);
});
