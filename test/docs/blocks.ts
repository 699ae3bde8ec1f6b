// The code blocks of README.md and docs/**/*.md, with the markers that say how the
// docs test checks them. A marker is an HTML comment right above a block's fence
// (blank lines between are allowed), so it shows in the Markdown source and nowhere
// else:
//
//   <!-- docs-test: continues -->                    the block goes on from the previous
//                                                     block of the same language on the page,
//                                                     and is checked joined to it
//   <!-- docs-test: skip-run reason="…" -->           checked (type-check, parse, compile)
//                                                     but not run, for the reason given
//   <!-- docs-test: vitest -->                       a vitest test file: run with vitest
//   <!-- docs-test: commonjs -->                     a CommonJS module (.cts / .cjs)
//   <!-- docs-test: excerpt-of="path" -->            a verbatim excerpt of a file in this
//                                                     repository (checked to be in it)
//
// There is no other list of exceptions: what is not run says so on the page.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** One fenced block. */
export interface Block {
  /** The page, relative to the repository root (`docs/cli.md`). */
  file: string;
  /** The 1-based line of the block's first content line. */
  line: number;
  /** The fence's language, lower-cased (`""` when none). */
  lang: string;
  code: string;
  marker: Marker;
}

export interface Marker {
  continues: boolean;
  /** Why the block is not run, when it is not. */
  skipRun: string | undefined;
  vitest: boolean;
  commonjs: boolean;
  excerptOf: string | undefined;
}

const NO_MARKER: Marker = {
  continues: false,
  skipRun: undefined,
  vitest: false,
  commonjs: false,
  excerptOf: undefined,
};

/** The languages the docs test knows how to check, by family. */
export const LANGUAGES: Record<string, "ts" | "js" | "json" | "sh" | "python" | "html" | "text"> = {
  ts: "ts",
  typescript: "ts",
  js: "js",
  javascript: "js",
  json: "json",
  sh: "sh",
  bash: "sh",
  shell: "sh",
  python: "python",
  py: "python",
  html: "html",
  // Output and wire samples: what a command prints or a server sends, not code to run.
  "": "text",
  text: "text",
};

/** The pages the docs test reads: README.md and every Markdown file under docs/. */
export function docPages(root: string): string[] {
  const pages = ["README.md"];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) pages.push(relative(root, path));
    }
  };
  walk(join(root, "docs"));
  return pages;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const MARKER = /^\s*<!--\s*docs-test:(.*?)-->\s*$/;

/** Every block of `file`; throws on a marker it does not understand or one that marks nothing. */
export function extractBlocks(root: string, file: string): Block[] {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const blocks: Block[] = [];
  let pending: { marker: Marker; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? "";
    const marker = MARKER.exec(text);
    if (marker) {
      if (pending) throw new Error(`${file}:${pending.line}: a docs-test marker above no block`);
      pending = { marker: parseMarker(`${file}:${i + 1}`, marker[1] ?? ""), line: i + 1 };
      continue;
    }
    const fence = FENCE.exec(text);
    if (!fence) {
      if (pending && text.trim() !== "")
        throw new Error(`${file}:${pending.line}: a docs-test marker above no block`);
      continue;
    }
    const open = fence[1] ?? "```";
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = lines[j] ?? "";
      if (
        close.trim().startsWith(open[0]?.repeat(open.length) ?? open) &&
        close.trim().replace(/[`~]/g, "") === ""
      )
        break;
      body.push(close);
    }
    blocks.push({
      file,
      line: i + 2,
      lang: (fence[2] ?? "").toLowerCase(),
      code: `${body.join("\n")}\n`,
      marker: pending?.marker ?? NO_MARKER,
    });
    pending = undefined;
    i = j;
  }
  if (pending) throw new Error(`${file}:${pending.line}: a docs-test marker above no block`);
  return blocks;
}

function parseMarker(where: string, text: string): Marker {
  const marker: Marker = { ...NO_MARKER };
  const token = /\s*([a-z-]+)(?:="([^"]*)")?/gy;
  let reason: string | undefined;
  let rest = text.trim();
  token.lastIndex = 0;
  for (let match = token.exec(rest); match; match = token.exec(rest)) {
    const [, name, value] = match;
    if (name === "continues" && value === undefined) marker.continues = true;
    else if (name === "skip-run" && value === undefined) marker.skipRun = "";
    else if (name === "reason" && value) reason = value;
    else if (name === "vitest" && value === undefined) marker.vitest = true;
    else if (name === "commonjs" && value === undefined) marker.commonjs = true;
    else if (name === "excerpt-of" && value) marker.excerptOf = value;
    else throw new Error(`${where}: docs-test marker: "${match[0].trim()}" is not understood`);
    if (token.lastIndex >= rest.length) break;
  }
  rest = rest.slice(token.lastIndex).trim();
  if (rest !== "") throw new Error(`${where}: docs-test marker: "${rest}" is not understood`);
  if (marker.skipRun !== undefined) {
    if (!reason) throw new Error(`${where}: skip-run needs a reason="…"`);
    marker.skipRun = reason;
  } else if (reason) throw new Error(`${where}: reason="…" without skip-run`);
  return marker;
}

/** A block with the blocks it continues: what the test checks as one unit. */
export interface Unit {
  /** The last block's place, for messages (`docs/cli.md:12`). */
  name: string;
  family: (typeof LANGUAGES)[string];
  blocks: Block[];
  code: string;
  marker: Marker;
}

/**
 * The units of every page: a block marked `continues` is joined to the previous
 * unit of the same language family on its page, which then is checked only joined.
 */
export function units(root: string): Unit[] {
  const all: Unit[] = [];
  for (const file of docPages(root)) {
    const onPage: Unit[] = [];
    for (const block of extractBlocks(root, file)) {
      const family = LANGUAGES[block.lang];
      if (!family)
        throw new Error(
          `${file}:${block.line}: the docs test cannot check \`\`\`${block.lang} blocks`,
        );
      const name = `${file}:${block.line}`;
      if (block.marker.continues) {
        const index = onPage.findLastIndex((unit) => unit.family === family);
        const previous = onPage[index];
        if (!previous)
          throw new Error(
            `${name}: marked "continues" but no earlier ${block.lang} block on its page`,
          );
        onPage[index] = {
          name,
          family,
          blocks: [...previous.blocks, block],
          code: `${previous.code}${block.code}`,
          marker: {
            ...block.marker,
            continues: false,
            vitest: previous.marker.vitest || block.marker.vitest,
          },
        };
      } else onPage.push({ name, family, blocks: [block], code: block.code, marker: block.marker });
    }
    all.push(...onPage);
  }
  return all;
}

/** Maps a line of a unit's joined code back to its page and line. */
export function placeOf(unit: Unit, line: number): string {
  let remaining = line;
  for (const block of unit.blocks) {
    const count = block.code.split("\n").length - 1;
    if (remaining <= count) return `${block.file}:${block.line + remaining - 1}`;
    remaining -= count;
  }
  return unit.name;
}
