// Printers: text in the input syntax, and LaTeX.
export * from "./index-form.js";
export * from "./printer.js";
