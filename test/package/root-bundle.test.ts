import { existsSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { BROWSER_PAGE_BUILD } from "../../bench/lib/browser-bundle.js";

// What a browser page downloads for `import … from "planexe-client"`: the root entry
// bundled as bench/bundle-size.ts bundles it. `npm test` builds dist/ before vitest runs.
const root = join(import.meta.dirname, "..", "..");

async function bundledInputs(): Promise<string[]> {
  const entry = join(root, "dist", "index.js");
  expect(existsSync(entry), "run `npm run build` first").toBe(true);
  const result = await build({
    ...BROWSER_PAGE_BUILD,
    entryPoints: [entry],
    outfile: join(root, "root-bundle.out.js"),
    logLevel: "silent",
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  return Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path.replaceAll("\\", "/"));
}

describe("the root entry bundled for a browser", () => {
  it("takes from zod only what its schemas use, not the whole `z` namespace", async () => {
    // `import { z } from "zod"` keeps zod's namespace object whole: every one of its ~60
    // locales (he, ru, ta, …) and its JSON Schema converters, about 340 KB minified a
    // page would download and never run. `import * as z from "zod"` lets the bundler
    // drop what is not called; English error messages stay (zod's default locale).
    const zod = (await bundledInputs()).filter((path) => /node_modules\/zod\//.test(path));
    expect(zod.length).toBeGreaterThan(0);
    const locales = zod.filter((path) => path.includes("/v4/locales/"));
    expect(locales.map((path) => path.replace(/.*\/locales\//, ""))).toEqual(["en.js"]);
    expect(zod.filter((path) => path.endsWith("/from-json-schema.js"))).toEqual([]);
  });
});
