// Training a loss on its compiled gradient.
export * from "./train.js";
