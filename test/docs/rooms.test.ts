// The maps of the source's rooms stay true: each folder under src/ opens with a README.md that
// says what it owns and links each of its files, and the root README points to every one of
// them. A file added, moved or deleted without its row fails here. Only file system reads.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./project.js";

const SRC = join(ROOT, "src");
/** Folders whose sub-folders are mapped in the folder's own README instead of each their own. */
const MAPPED_BY_PARENT = [join(SRC, "cli")];

function subFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every folder under src/ that should open with a README.md. */
function rooms(dir = SRC): string[] {
  if (MAPPED_BY_PARENT.some((parent) => dir.startsWith(`${parent}/`))) return [];
  const here = dir === SRC ? [] : [dir];
  return [...here, ...subFolders(dir).flatMap((name) => rooms(join(dir, name)))];
}

/** The targets of the page's Markdown links that point into the repository, without anchors. */
function localLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => (match[1] ?? "").split("#")[0] ?? "")
    .filter((target) => target !== "" && !target.includes("://"));
}

/**
 * The code spans that name a file or folder: `src/client.ts`, `../world.ts`,
 * `doctor/contract/`, `messages.ts`. Spans with spaces or other characters (`GET /mcp`,
 * `/sse/plan/<id>`) are words, not paths.
 */
function namedPaths(text: string): string[] {
  // A span that is a link's text (`[`x.ts`](dir/x.ts)`) is checked as that link.
  return [...text.matchAll(/(?<!\[)`([\w.-]+(?:\/[\w.-]+)*\/?)`/g)]
    .map((match) => match[1] ?? "")
    .filter((span) => /\.(ts|md)$/.test(span) || (span.endsWith("/") && !span.startsWith("/")));
}

/** Where a named path is read from: the repository root for `src/`, `docs/`, `test/`, else the page's folder. */
function resolveNamed(page: string, span: string): string {
  return /^(src|docs|test)\//.test(span) ? join(ROOT, span) : resolve(dirname(page), span);
}

const ROOMS = rooms();

describe("the rooms of src/", () => {
  it("finds the rooms (a test that reads nothing cannot fail)", () => {
    expect(ROOMS.map((dir) => relative(ROOT, dir))).toEqual(
      expect.arrayContaining(["src/transport", "src/cli", "src/tools/schemas", "src/fake/app"]),
    );
  });

  it.each(ROOMS.map((dir) => [relative(ROOT, dir), dir]))("%s has a README.md", (_, dir) => {
    expect(existsSync(join(dir, "README.md"))).toBe(true);
  });

  for (const dir of ROOMS) {
    const page = join(dir, "README.md");
    if (!existsSync(page)) continue;
    const name = relative(ROOT, page);
    const text = readFileSync(page, "utf8");

    describe(name, () => {
      it("links every .ts file of its folder", () => {
        const linked = new Set(localLinks(text).map((target) => resolve(dir, target)));
        const files = readdirSync(dir).filter((file) => file.endsWith(".ts"));
        expect(files.length).toBeGreaterThan(0);
        const missing = files.filter((file) => !linked.has(join(dir, file)));
        expect(missing, `${name} has no row for these files`).toEqual([]);
      });

      it("names every sub-folder, and links the README of each that has one", () => {
        const missing = subFolders(dir).filter((sub) =>
          existsSync(join(dir, sub, "README.md"))
            ? !text.includes(`](${sub}/README.md)`)
            : !text.includes(`\`${sub}/\``) && !text.includes(`](${sub}/`),
        );
        expect(missing, `${name} does not name these sub-folders`).toEqual([]);
      });

      it("links only files that exist", () => {
        const dead = localLinks(text).filter((target) => !existsSync(resolve(dir, target)));
        expect(dead, `${name} links to missing files`).toEqual([]);
      });

      it("names only paths that exist", () => {
        const dead = namedPaths(text).filter((span) => !existsSync(resolveNamed(page, span)));
        expect(dead, `${name} names paths that do not exist`).toEqual([]);
      });
    });
  }

  it("the root README.md links the README of every room directly under src/", () => {
    const linked = new Set(localLinks(readFileSync(join(ROOT, "README.md"), "utf8")));
    const missing = ROOMS.filter((dir) => dirname(dir) === SRC)
      .map((dir) => relative(ROOT, join(dir, "README.md")))
      .filter((page) => !linked.has(page));
    expect(missing).toEqual([]);
  });
});
