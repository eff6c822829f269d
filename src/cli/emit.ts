// `matcalc emit`: the value and derivatives as a function in TypeScript, JavaScript, NumPy, PyTorch
// or JAX, printed or written to a file.
import { writeFileSync } from "node:fs";
import { emit, TARGETS, type Target } from "../api/index.js";
import { choice, layoutOption, parseOrder, symmetricOption } from "./diff.js";
import { type CliIo, EXIT_OK, InputError, UsageError } from "./io.js";
import type { Options } from "./main.js";

export function runEmit(source: string, options: Options, io: CliIo): number {
  const v = options.values;
  if (v.wrt === undefined) throw new UsageError("emit needs --wrt VARIABLE[,VARIABLE]");
  const target = choice<Target>("target", v.target, TARGETS) ?? "ts";
  const order = parseOrder(v.order);
  if (order > 4) throw new UsageError("emit writes derivatives up to order 4");
  const layout = layoutOption(v.layout);
  const symmetric = symmetricOption(v.symmetric);
  const emitted = emit(source, v.wrt, {
    target,
    order,
    name: v.name,
    ...(symmetric ? { layout, symmetric } : { layout }),
  });
  if (v.out === undefined) {
    io.stdout.write(emitted.code);
    return EXIT_OK;
  }
  try {
    writeFileSync(v.out, emitted.code);
  } catch (error) {
    throw new InputError(`cannot write ${v.out}: ${(error as NodeJS.ErrnoException).code ?? "unwritable"}`);
  }
  io.stdout.write(`wrote ${emitted.name}(…) → {${emitted.outputs.join(", ")}} to ${v.out}\n`);
  return EXIT_OK;
}
