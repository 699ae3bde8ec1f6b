import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import pkg from "../../package.json" with { type: "json" };

// The packages the built root entry (dist/index.js and the chunks it imports) loads at
// run time: what a page downloads and what a plain `import "planexe-client"` needs
// installed. `npm test` builds dist/ first.
const root = join(import.meta.dirname, "..", "..");
const IMPORT = /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{},\s]+\sfrom\s*)?["']([^"']+)["']/g;

function packagesLoaded(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(IMPORT)) {
      if (specifier!.startsWith(".")) visit(join(dirname(file), specifier!));
      else
        packages.add(
          specifier!
            .split("/")
            .slice(0, specifier!.startsWith("@") ? 2 : 1)
            .join("/"),
        );
    }
  };
  expect(existsSync(entry), "run `npm run build` first").toBe(true);
  visit(entry);
  return packages;
}

describe("the root entry at run time", () => {
  it("loads no MCP SDK package: PlanExeClient speaks MCP's Streamable HTTP itself", () => {
    const loaded = [...packagesLoaded(join(root, "dist", "index.js"))];
    expect(loaded.filter((name) => name.startsWith("@modelcontextprotocol/"))).toEqual([]);
    // Everything else it loads is a dependency of the package, not a devDependency.
    for (const name of loaded.filter((n) => !n.startsWith("node:")))
      expect(Object.keys(pkg.dependencies), name).toContain(name);
  });

  it("the MCP SDK client is a devDependency only (tests and benchmarks)", () => {
    expect(Object.keys(pkg.dependencies)).not.toContain("@modelcontextprotocol/client");
    expect(Object.keys(pkg.devDependencies)).toContain("@modelcontextprotocol/client");
  });
});
