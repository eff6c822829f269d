// The command line as one file (dist/bundle/matcalc.js, which bin/matcalc.js runs): Node resolves and
// compiles one module instead of the library's hundred, so `matcalc` answers sooner. Written in ASCII
// (every other character escaped), so reading it skips the slower decoding of UTF-8.
import { defineConfig } from "vite";

export default defineConfig({
  build: {
    ssr: "src/cli/bin.ts",
    outDir: "dist/bundle",
    emptyOutDir: true,
    target: "node20",
    minify: true,
    rolldownOptions: { output: { entryFileNames: "matcalc.js", format: "es" } },
  },
  plugins: [
    {
      name: "ascii-only",
      // After minification, which would write the characters back.
      generateBundle(_options, bundle) {
        for (const chunk of Object.values(bundle))
          if (chunk.type === "chunk")
            chunk.code = chunk.code.replace(
              /[^ -~\t\n\r]/g,
              (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
            );
      },
    },
  ],
  logLevel: "warn",
});
