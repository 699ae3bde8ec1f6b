import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The root entry's names (values and types), read from the built declarations as a user's
// editor reads them, against the list docs/README.md gives. `npm test` builds dist/ first.
const root = join(import.meta.dirname, "..", "..");

function exportedNames(entry: string): string[] {
  const file = join(root, entry);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`${entry} is not built`);
  const module = checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`${entry} exports nothing`);
  return checker
    .getExportsOfModule(module)
    .map((symbol) => symbol.getName())
    .sort();
}

function documentedNames(): string[] {
  const readme = readFileSync(join(root, "docs", "README.md"), "utf8");
  const start = readme.indexOf("### What the root entry exports");
  const table = readme.slice(start, readme.indexOf("\n\n`planexe-client/testing`", start));
  const rows = table
    .split("\n")
    .filter((line) => /^\| [A-Z]/.test(line) && !line.startsWith("| For"));
  return rows
    .flatMap((row) => [...row.split("|")[2]!.matchAll(/`([A-Za-z_]+)`/g)].map((m) => m[1]!))
    .sort();
}

describe("the root entry", () => {
  it("exports exactly the names docs/README.md lists, and says how many", () => {
    const names = exportedNames("dist/index.d.ts");
    expect(names).toEqual(documentedNames());
    const readme = readFileSync(join(root, "docs", "README.md"), "utf8");
    expect(readme).toContain(`exports these ${names.length} names`);
  });

  it("exports no zod schema and no tool registry", () => {
    const names = exportedNames("dist/index.d.ts");
    expect(names.filter((name) => name.endsWith("Schema"))).toEqual([]);
    expect(names).not.toContain("TOOLS");
    expect(names).not.toContain("RESENDABLE_TOOLS");
  });
});
