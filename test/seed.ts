// One seed for every property test of a run, when FC_SEED names it: a failure then replays with the
// same FC_SEED, and CI (which sets it from the commit) gives one commit one verdict. Without it each
// run draws its own seed, as fast-check does by default, and prints the seed of any failure.
import fc from "fast-check";

const given = process.env.FC_SEED;
if (given !== undefined && given !== "") {
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got "${given}"`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
