// The simplifier: named rewrite rules in rulesets, run to a fixed point with budgets and a trace.
import type { Node } from "../ir/index.js";
import {
  type RewriteRule,
  type Ruleset,
  runRules,
  type SimplifyOptions,
  type SimplifyResult,
  type StopReason,
  type TraceEntry,
} from "./driver.js";
import { constantRules, DEFAULT_RULESETS, zeroOneRules } from "./rules.js";
import { SEARCH_RULES, type SearchResult, type SearchStop, searchShortest } from "./search.js";

export type {
  RewriteRule,
  Ruleset,
  SearchResult,
  SearchStop,
  SimplifyOptions,
  SimplifyResult,
  StopReason,
  TraceEntry,
};
export { DEFAULT_RULESETS, runRules, SEARCH_RULES };

/** Simplifies with the default rulesets. */
export function simplify(node: Node, options: SimplifyOptions = {}): SimplifyResult {
  return runRules(node, DEFAULT_RULESETS, options);
}

const TIDY_RULESETS: readonly Ruleset[] = [constantRules, zeroOneRules];

/** Only constants, zeros and ones: for intermediate tangent expressions. */
export function tidy(node: Node): Node {
  return runRules(node, TIDY_RULESETS).node;
}

/** The cheapest form under `cost` the search finds from the chain's result (itself where none is). */
export function searchShorter(node: Node, cost: (n: Node) => number): SearchResult {
  return searchShortest(node, { cost, tidy: DEFAULT_RULESETS });
}
