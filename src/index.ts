// matcalc: matrix calculus in compact notation. The package entry point re-exports the public API.
export * from "./api/index.js";
