// Host-side fault injection: each switch breaks one promise of the host on
// purpose, so the stress harness can show that it notices. Testing only;
// see docs/faults.md. The core's own switches are CoreFault in core.ts.

/** Every fault the stress harness can inject, host and core alike. */
export const faultNames = ["pool-leak", "instance-leak", "barrier-skip", "mvar-pop", "skip-heap-finalisation", "unload-libraries-early"] as const;
export type FaultName = (typeof faultNames)[number];

const hostFaults = new Set<FaultName>();

/** Turns a host fault on or off for every runtime started afterwards. */
export function setHostFault(name: FaultName, on: boolean): void {
  if (on) hostFaults.add(name);
  else hostFaults.delete(name);
}

export function hostFaultOn(name: FaultName): boolean {
  return hostFaults.has(name);
}
