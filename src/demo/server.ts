// The browser demo's server (`unloadable demo`, `npm run demo`): a static
// server for the package's own files, so the page imports the library just
// as it is published, with no bundler. Node-only, like the CLI.
//
// It listens on 127.0.0.1 only: the demo is for the person at this machine,
// and a server reachable from the network would serve the package to it.
// It serves GET and HEAD of a few directories of the package (the page, the
// compiled library, the core's builds) and nothing else; `.wasm` goes out as
// application/wasm so the browser compiles it as it streams.

import { createReadStream, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { packageInfo } from "./package-root.js";

/** The demo's page, relative to the package root. */
export const DEMO_PAGE = "/examples/browser/";
/** What the server hands out: the page, the library, the core's builds. */
const SERVED = ["examples/browser/", "dist/src/", "dist/build/"];
/** The default port of `unloadable demo`. */
export const DEMO_PORT = 8417;

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
};

export interface DemoServerOptions {
  /** 0 for any free port. Default DEMO_PORT. */
  readonly port?: number;
  /** Directories of the package to serve besides the demo's (the browser tests add theirs). */
  readonly alsoServe?: readonly string[];
}

export interface DemoServer {
  /** The demo page's address, http://127.0.0.1:PORT/examples/browser/ */
  readonly pageUrl: string;
  /** The server's origin, http://127.0.0.1:PORT */
  readonly origin: string;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(`${text}\n`);
}

function handler(root: string, served: readonly string[], page: string) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== "GET" && request.method !== "HEAD") return send(response, 405, "only GET and HEAD");
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
    } catch {
      return send(response, 400, "bad path");
    }
    if (path === "/" && page !== "/") {
      response.writeHead(302, { Location: page }).end();
      return;
    }
    // normalize() folds any ../ before the check, so a path can only name a file under a served directory.
    const relative = normalize(path).replace(/^[/\\]+/, "");
    if (relative.split(sep).includes("..") || !served.some((dir) => dir === "/" || `${relative}/`.startsWith(dir))) return send(response, 404, `not served: ${path}`);
    let file = join(root, relative);
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const stat = statSync(file);
      response.writeHead(200, {
        "Content-Type": contentTypes[extname(file)] ?? "application/octet-stream",
        "Content-Length": stat.size,
        "Cache-Control": "no-store",
      });
      if (request.method === "HEAD") response.end();
      else createReadStream(file).pipe(response);
    } catch {
      send(response, 404, `no such file: ${path}`);
    }
  };
}

/** A static server on 127.0.0.1 for the directories `served` (relative, ending in "/") of `root`. */
export async function startStaticServer(root: string, served: readonly string[], port: number, page = "/"): Promise<DemoServer> {
  const server: Server = createServer(handler(root, served, page));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pageUrl: `${origin}${page}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Starts the demo server on 127.0.0.1. */
export function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const served = [...SERVED, ...(options.alsoServe ?? []).map((dir) => dir.replace(/\/?$/, "/"))];
  return startStaticServer(packageInfo().root, served, options.port ?? DEMO_PORT, DEMO_PAGE);
}
