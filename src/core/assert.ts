// Exhaustiveness helper: a switch over a union that forgets a case fails to compile here.

export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
