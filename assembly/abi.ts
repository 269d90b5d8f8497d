// The version of the core's ABI (the exports of index.ts). A plugin carries
// the core it was built on, and the host refuses a module whose version is
// not its own (src/core/plugin.ts): bump it whenever an export changes name,
// signature or meaning, or the host starts relying on a new one.
@inline export const ABI_VERSION: u32 = 1;
