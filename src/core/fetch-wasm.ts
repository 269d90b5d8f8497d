// A browser's way to get a build: fetch it and compile it as it streams in.
// compileStreaming needs the server to say `Content-Type: application/wasm`;
// a server that does not (a plain static host, some dev servers) still gets a
// working page: the response is read whole and compiled from its bytes.

/** The module at an http(s), blob: or data: URL. */
export async function compileFetched(url: URL): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`unloadable: fetching the core from ${url.href} failed: HTTP ${response.status} ${response.statusText}; serve the package's dist/build/ beside dist/src/ (a bundler copies it when it follows new URL(…, import.meta.url))`);
  }
  const type = response.headers.get("Content-Type") ?? "";
  if (typeof WebAssembly.compileStreaming === "function" && type.split(";")[0]!.trim() === "application/wasm") {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}
