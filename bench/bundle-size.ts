/**
 * What a browser page downloads for `planexe-client`: the package's root entry
 * (`dist/index.js`, what `import … from "planexe-client"` resolves to) bundled by
 * esbuild for the browser (`platform: "browser"`, ESM, minified), then gzipped
 * (`gzip -9`). One row per page: the whole entry (every export kept, the most a
 * page can pull in) and pages that import one documented name each, so what tree
 * shaking leaves is shown too.
 *
 * The breakdown says what each package contributes to the whole entry:
 * - minified bytes: esbuild's metafile (`bytesInOutput` of each input, summed per
 *   package; our own code is every input outside node_modules);
 * - gzip alone: the bytes of the output that the bundle's source map attributes to
 *   the package, concatenated in output order and gzipped by themselves. A group
 *   gzipped alone shares no dictionary with the rest, so the column sums to more
 *   than the bundle's gzip; "share" is the package's part of the minified bundle.
 *
 *   tsx bench/bundle-size.ts [--entry dist/index.js]
 *
 * Builds `dist/` first when it is older than `src/` (scripts/ensure-build.mjs).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, version as esbuildVersion, type Metafile, type Plugin } from "esbuild";
import { readFlags } from "./lib/args.js";
import { BROWSER_PAGE_BUILD } from "./lib/browser-bundle.js";
import { machineInfo, printTable, writeResult } from "./lib/report.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** `--entry` measures another build of the entry (e.g. `src/index.ts` of another tree). */
const ENTRY = resolve(readFlags({ entry: join(ROOT, "dist", "index.js") }).entry);
/** Where esbuild would write: the source map's paths are relative to it. Nothing is written. */
const OUTFILE = join(ROOT, "bundle-size.out.js");
/** What issue 21 asks of the whole entry. */
const TARGET_GZIP_BYTES = 100 * 1024;
const OURS = "planexe-client (our code)";
const UNATTRIBUTED = "(esbuild runtime, unmapped)";

/**
 * The MCP SDK's own client, bundled alone, when the package depends on one (the
 * split `@modelcontextprotocol/client`, else the 1.x `sdk`): what `PlanExeClient`
 * would build on, so the difference to the whole entry is what our code adds.
 * Since `PlanExeClient` speaks MCP itself (src/tools/mcp-http.ts) neither is a
 * dependency and the row is left out.
 */
function sdkClientAlone(): string | undefined {
  const { dependencies = {} } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  if ("@modelcontextprotocol/client" in dependencies)
    return 'export { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";';
  if ("@modelcontextprotocol/sdk" in dependencies)
    return [
      'export { Client } from "@modelcontextprotocol/sdk/client/index.js";',
      'export { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";',
    ].join("\n");
  return undefined;
}

/** The pages measured: the whole entry, then one name each as a page would import it. */
const PAGES: Array<{ name: string; contents?: string }> = [
  { name: "root entry, every export" },
  {
    name: "import { PlanExeClient }",
    contents: `export { PlanExeClient } from ${JSON.stringify(ENTRY)};`,
  },
  { name: "import { watchPlan }", contents: `export { watchPlan } from ${JSON.stringify(ENTRY)};` },
  {
    name: "import { createResilientFetch }",
    contents: `export { createResilientFetch } from ${JSON.stringify(ENTRY)};`,
  },
];
const sdkClient = sdkClientAlone();
if (sdkClient)
  PAGES.push({ name: "for reference: the MCP SDK's client alone", contents: sdkClient });

interface GroupSize {
  group: string;
  minifiedBytes: number;
  gzipAloneBytes: number;
  inputs: number;
}

interface PageSize {
  page: string;
  minifiedBytes: number;
  gzipBytes: number;
  groups: GroupSize[];
}

/** The package a file belongs to (`zod`, `@modelcontextprotocol/client`), or our own code. */
function groupOf(path: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path.replaceAll("\\", "/"));
  return match?.[1] ?? OURS;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** One line of a source map's `mappings`: each segment's fields, VLQ-decoded (deltas). */
function decodeSegment(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return fields;
}

/**
 * The output's text split by the package each run of characters came from, per the
 * source map: a segment owns the columns up to the next segment of its line.
 */
function textByGroup(
  code: string,
  map: { sources: string[]; mappings: string },
): Map<string, string> {
  const groups = new Map<string, string[]>();
  const add = (group: string, text: string) => {
    if (text === "") return;
    const parts = groups.get(group) ?? [];
    parts.push(text);
    groups.set(group, parts);
  };
  const sourceGroups = map.sources.map((source) => groupOf(resolve(dirname(OUTFILE), source)));
  const lines = code.split("\n");
  const mappingLines = map.mappings.split(";");
  let source = 0;
  for (const [index, line] of lines.entries()) {
    let column = 0;
    let owner = UNATTRIBUTED;
    let from = 0;
    for (const segment of (mappingLines[index] ?? "").split(",")) {
      if (segment === "") continue;
      const fields = decodeSegment(segment);
      column += fields[0] ?? 0;
      add(owner, line.slice(from, column));
      from = column;
      if (fields.length >= 4) {
        source += fields[1] ?? 0;
        owner = sourceGroups[source] ?? UNATTRIBUTED;
      } else owner = UNATTRIBUTED;
    }
    add(owner, `${line.slice(from)}\n`);
  }
  return new Map([...groups].map(([group, parts]) => [group, parts.join("")]));
}

/**
 * Maps the bundle to the files it was built from, not to the sources those files were
 * compiled from (esbuild follows an input's `sourceMappingURL`): a package's own map
 * can name paths outside the package, and then its bytes would land in no group.
 */
const ownMapsOnly: Plugin = {
  name: "own-maps-only",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.[cm]?js$/ }, async ({ path }) => ({
      contents: (await readFile(path, "utf8")).replace(/^\/\/# sourceMappingURL=.*$/gm, ""),
      loader: "js",
    }));
  },
};

function gzipBytes(text: string | Uint8Array): number {
  return gzipSync(text, { level: 9 }).length;
}

async function measure(page: (typeof PAGES)[number]): Promise<PageSize> {
  const result = await build({
    ...(page.contents
      ? { stdin: { contents: page.contents, resolveDir: ROOT, sourcefile: "page.js" } }
      : { entryPoints: [ENTRY] }),
    ...BROWSER_PAGE_BUILD,
    sourcemap: "external",
    sourcesContent: false,
    outfile: OUTFILE,
    plugins: [ownMapsOnly],
    logLevel: "warning",
  });
  const js = result.outputFiles.find((file) => file.path.endsWith(".js"));
  const mapFile = result.outputFiles.find((file) => file.path.endsWith(".js.map"));
  if (!js || !mapFile) throw new Error("esbuild wrote no bundle");
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const byGroup = groupInputs(output?.inputs ?? {});
  const text = textByGroup(js.text, JSON.parse(mapFile.text));
  const groups = [...new Set([...byGroup.keys(), ...text.keys()])]
    .map((group) => ({
      group,
      minifiedBytes: byGroup.get(group)?.bytes ?? 0,
      gzipAloneBytes: gzipBytes(text.get(group) ?? ""),
      inputs: byGroup.get(group)?.inputs ?? 0,
    }))
    .sort((a, b) => b.minifiedBytes - a.minifiedBytes);
  return {
    page: page.name,
    minifiedBytes: js.contents.length,
    gzipBytes: gzipBytes(js.contents),
    groups,
  };
}

function groupInputs(
  inputs: Metafile["outputs"][string]["inputs"],
): Map<string, { bytes: number; inputs: number }> {
  const groups = new Map<string, { bytes: number; inputs: number }>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    if (bytesInOutput === 0) continue;
    const group = groupOf(resolve(ROOT, path));
    const sum = groups.get(group) ?? { bytes: 0, inputs: 0 };
    groups.set(group, { bytes: sum.bytes + bytesInOutput, inputs: sum.inputs + 1 });
  }
  return groups;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const machine = machineInfo();
  execFileSync(process.execPath, [join(ROOT, "scripts", "ensure-build.mjs")], { stdio: "inherit" });
  const pages: PageSize[] = [];
  for (const page of PAGES) pages.push(await measure(page));
  const whole = pages[0];
  if (!whole) throw new Error("no page measured");

  printTable(
    `Root entry bundled for a browser (esbuild ${esbuildVersion}, minified, gzip -9)`,
    ["page", "minified", "gzip"],
    pages.map((p) => [p.page, kb(p.minifiedBytes), kb(p.gzipBytes)]),
  );
  printTable(
    "What each package contributes to the whole root entry",
    ["package", "minified", "share", "gzip alone"],
    whole.groups
      .filter((g) => g.minifiedBytes > 0 || g.gzipAloneBytes > 20)
      .map((g) => [
        g.group,
        kb(g.minifiedBytes),
        `${((100 * g.minifiedBytes) / whole.minifiedBytes).toFixed(1)} %`,
        kb(g.gzipAloneBytes),
      ]),
  );
  const withinTarget = whole.gzipBytes <= TARGET_GZIP_BYTES;
  process.stdout.write(
    `whole root entry: ${kb(whole.gzipBytes)} gzipped, target ${kb(TARGET_GZIP_BYTES)}: ${withinTarget ? "met" : "NOT met"}\n`,
  );
  const file = writeResult(
    "bundle-size",
    {
      entry: relative(ROOT, ENTRY),
      esbuild: { version: esbuildVersion, ...BROWSER_PAGE_BUILD },
      gzip: "zlib level 9; a package's 'gzip alone' is its output bytes (by the source map) gzipped by themselves",
      targetGzipBytes: TARGET_GZIP_BYTES,
      withinTarget,
      pages,
    },
    machine,
  );
  process.stdout.write(`wrote ${relative(ROOT, file)}\n`);
}

await main();
