// Not a plugin: an ordinary AssemblyScript module with no core inside, for
// the harness's bare-module mode (Note [Stressing a foreign module],
// src/stress/harness.ts). It allocates managed arrays, so its memory grows.
export function work(n: i32): i32 {
  let a = new Array<i32>(n);
  for (let i = 0; i < n; i++) a[i] = i;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i];
  return sum;
}
