#!/usr/bin/env node
// The command line bundled into one file (vite.cli.config.ts): it starts faster than the modules of dist/.
import "../dist/bundle/matcalc.js";
