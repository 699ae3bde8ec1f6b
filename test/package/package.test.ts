import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// These check what a user installs: the packed tarball and the built entries.
// `npm test` builds dist/ before vitest runs.
const root = join(import.meta.dirname, "..", "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
let dir = "";
let tarball = "";

beforeAll(() => {
  expect(existsSync(join(root, "dist", "index.js")), "run `npm run build` first").toBe(true);
  dir = mkdtempSync(join(tmpdir(), "planexe-pack-"));
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], {
    cwd: root,
    stdio: "pipe",
  });
  const file = readdirSync(dir).find((name) => name.endsWith(".tgz"));
  if (!file) throw new Error("npm pack wrote no tarball");
  tarball = join(dir, file);
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("passes publint with no errors or warnings", () => {
    const out = execFileSync(bin("publint"), ["--strict", tarball], { encoding: "utf8" });
    expect(out).toContain("All good!");
  });

  it("passes @arethetypeswrong/cli for Node 16+ ESM and CJS resolution and bundlers", () => {
    // node10 resolution is not supported: the package needs Node >= 22 and subpath exports.
    const out = execFileSync(bin("attw"), [tarball, "--profile", "node16", "--format", "ascii"], {
      encoding: "utf8",
    });
    // attw exits non-zero (and execFileSync throws) on any problem it does not ignore.
    expect(out).toContain("node16 (from ESM): 🟢");
    expect(out).toContain("node16 (from CJS): 🟢");
  });
});

describe("what a user installs", () => {
  it("is the code a user runs and its docs: no source maps, no demo, no second copy of the library in the CLI", () => {
    const listing = execFileSync("tar", ["-tzvf", tarball], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((line) => {
        const fields = line.trim().split(/\s+/);
        return { size: Number(fields[2]), path: (fields.at(-1) ?? "").replace(/^package\//, "") };
      });
    const paths = listing.map((file) => file.path);
    expect(paths.filter((path) => path.endsWith(".map"))).toEqual([]);
    expect(paths).not.toContain("dist/cli/demo.js");
    expect(paths).toEqual(expect.arrayContaining(["dist/cli/main.js", "dist/cli/watch-plan.js"]));
    // The bins are entry files over the library's own chunks (was 335 KB of their own).
    const cli = listing.filter((file) => file.path.startsWith("dist/cli/"));
    expect(cli.reduce((sum, file) => sum + file.size, 0)).toBeLessThan(20_000);
    // 4.0 MB before these cuts; 1.1 MB with them.
    expect(listing.reduce((sum, file) => sum + file.size, 0)).toBeLessThan(1_500_000);
  });

  it("runs its bins as a user's npx would: node with the #! line", () => {
    for (const bin of ["dist/cli/main.js", "dist/cli/watch-plan.js"]) {
      const head = execFileSync("tar", ["-xzOf", tarball, `package/${bin}`], { encoding: "utf8" });
      expect(head.startsWith("#!/usr/bin/env node\n")).toBe(true);
    }
  });
});

describe("the root entry", () => {
  it("bundles for the browser without any node: built-in", async () => {
    const result = await bundleRoot();
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith("node:"))).toEqual([]);
    expect(result.errors).toEqual([]);
  });

  it("loads from CommonJS and ESM alike", () => {
    expect(fromEsm("typeof m.isPlanExeError")).toBe("function");
    expect(fromCjs("typeof m.isPlanExeError")).toBe("function");
  });
});

describe("VERSION", () => {
  const { version, description } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    version: string;
    description: string;
  };

  it("is package.json's version from ESM, CommonJS and `planexe-client --version`", () => {
    const cli = execFileSync(
      process.execPath,
      [join(root, "dist", "cli", "main.js"), "--version"],
      {
        encoding: "utf8",
      },
    );
    expect([fromEsm("m.VERSION"), fromCjs("m.VERSION"), cli.trim()]).toEqual([
      version,
      version,
      version,
    ]);
  });

  it("is inlined: the root entry bundled for a page carries the version, not the package.json", async () => {
    const result = await bundleRoot();
    const text = result.outputFiles.map((file) => file.text).join("\n");
    expect(text).toContain(JSON.stringify(version));
    expect(text).not.toContain(description);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.endsWith("package.json"))).toEqual([]);
  });
});

/** The root entry bundled for a page, as a user's bundler would. */
function bundleRoot() {
  return build({
    entryPoints: [join(root, "dist", "index.js")],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
    metafile: true,
  });
}

/** What `expression` (over the root entry as `m`) prints in a new ESM process. */
function fromEsm(expression: string): string {
  const code = `import * as m from 'planexe-client'; console.log(${expression})`;
  return node(["--input-type=module", "-e", code]);
}

/** The same from CommonJS (`require`). */
function fromCjs(expression: string): string {
  return node(["-e", `const m = require('planexe-client'); console.log(${expression})`]);
}

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: "utf8" }).trim();
}
