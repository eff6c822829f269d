// Printers: text in the input syntax, and LaTeX.
export * from "./printer.js";
