// A plugin built on "another version" of the core: every export the host
// needs, but abi_version answers a version this host does not speak. The
// host must refuse it (test/plugin-api.test.ts).
export * from "../../assembly/index";
export function abi_version(): u32 { return 999; }
