// What the page and its engine worker say to each other: plain data only (structured clone), so the
// page never holds an expression and the worker never touches the page.
import type { Layout, Mode, SymmetricConvention, Target } from "../src/index.js";

export interface PageState {
  problem: string;
  wrt: string[];
  order: number;
  layout: Layout;
  symmetric: SymmetricConvention;
  mode: Mode;
}

/** One exercise: a problem, the variable, the layout and order the answer is wanted in. */
export interface Exercise {
  readonly title: string;
  readonly problem: string;
  readonly wrt: string;
  readonly layout: "numerator" | "denominator";
  readonly order: number;
  /** The form the author of a sheet expects (shown with the answer; the verdict is the engine's). */
  readonly expected?: string;
}

export type Request =
  | {
      readonly kind: "derive";
      readonly state: PageState;
      readonly steps: boolean;
      readonly code: Target | null;
      readonly answer: string | null;
    }
  | { readonly kind: "exercise"; readonly exercise: Exercise; readonly answer: string }
  | { readonly kind: "export"; readonly state: PageState; readonly format: "latex" | "markdown" };

export interface VariableInfo {
  readonly name: string;
  /** scalar, n, m×n or symmetric(n): as the page lists it. */
  readonly type: string;
  readonly scalar: boolean;
  readonly symmetric: boolean;
}

/** A verdict line: pass, fail or neither, and its text. */
export interface Verdict {
  readonly status: "pass" | "fail" | "none";
  readonly text: string;
}

export interface StepsView {
  /** Why no steps are shown, where they are not. */
  readonly why: string | null;
  readonly intermediates: readonly { name: string; latex: string }[];
  readonly locals: readonly { of: string; by: string; latex: string | null }[];
  /** Each step of the chain: its text, and as LaTeX (fractions of d and ∂). */
  readonly chain: readonly { text: string; latex: string }[];
  /** Apply, Substitute, each rewrite and the Result: a label, text and LaTeX. */
  readonly lines: readonly { label: string; text: string; latex: string | null }[];
  readonly cost: string;
}

export interface DeriveReply {
  readonly kind: "derive";
  readonly variables: readonly VariableInfo[] | null;
  /** The variables differentiated by (the wanted ones the problem has, or a default). */
  readonly wrt: readonly string[];
  readonly error: string | null;
  readonly result: {
    readonly title: string;
    readonly latex: string | null;
    readonly text: string | null;
    readonly notes: readonly string[];
    readonly index: string;
  } | null;
  readonly check: Verdict | null;
  readonly steps: StepsView | null;
  readonly code: string | null;
  readonly answer: Verdict | null;
  /** For the Train panel: whether the problem is a scalar, and values of its variables to start from. */
  readonly scalar: boolean;
  readonly data: Record<string, unknown> | null;
}

export interface ExerciseReply {
  readonly kind: "exercise";
  readonly problemLatex: string | null;
  readonly error: string | null;
  readonly verdict: Verdict | null;
  readonly solved: boolean;
  /** Hints in order: the intermediate variables, the local derivatives, the chain, the substitution. */
  readonly hints: readonly { title: string; lines: readonly { text: string; latex: string | null }[] }[];
  readonly answer: { text: string; latex: string | null } | null;
}

export interface ExportReply {
  readonly kind: "export";
  readonly text: string | null;
  readonly error: string | null;
}

/** What came instead of a reply: the worker failed, the work was cancelled, or it ran out of time. */
export interface NoReply {
  readonly kind: "failed" | "cancelled" | "stopped";
  readonly error: string;
}

export type Reply = DeriveReply | ExerciseReply | ExportReply | NoReply;
