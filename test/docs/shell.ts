// Finds the `planexe-client` and `watch-plan` command lines in shell blocks, so their
// arguments go through the CLI's own parser even where a block is not run.

/** Words and operators of one shell line (quotes removed; no expansion). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] ?? "";
    if (char === "#" && word === undefined) break;
    if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'" || char === '"') {
      const end = line.indexOf(char, i + 1);
      word = (word ?? "") + line.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? line.length : end;
    } else if (char === "$" && line[i + 1] === "(") {
      if (word !== undefined) words.push(word);
      words.push("$(");
      word = undefined;
      i += 1;
    } else if ("|&;()".includes(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      const double = line.slice(i, i + 2);
      words.push(double === "&&" || double === "||" ? double : char);
      if (double === "&&" || double === "||") i += 1;
    } else word = (word ?? "") + char;
  }
  if (word !== undefined) words.push(word);
  return words;
}

const OPERATORS = new Set(["&&", "||", "|", ";", "&", "(", ")", "$("]);
/** Words after which the next one is the program run. */
const LAUNCHERS = new Set(["npx", "-y", "--yes", "--", "node", "exec", "time"]);

/** A CLI run found in a block: which bin, and its arguments. */
export interface Invocation {
  bin: "planexe-client" | "watch-plan";
  args: string[];
}

/** Every `planexe-client …` / `watch-plan …` / `node …/dist/cli/main.js …` in `code`. */
export function cliInvocations(code: string): Invocation[] {
  const found: Invocation[] = [];
  for (const line of code.replace(/\\\n/g, " ").split("\n")) {
    const words = shellWords(line);
    words.forEach((word, i) => {
      const bin =
        /^(.*\/\.bin\/)?planexe-client$/.test(word) || /(^|\/)dist\/cli\/main\.js$/.test(word)
          ? "planexe-client"
          : /^(.*\/\.bin\/)?watch-plan$/.test(word) || /(^|\/)dist\/cli\/watch-plan\.js$/.test(word)
            ? "watch-plan"
            : undefined;
      if (!bin) return;
      // Only in a command's place: not `cd planexe-client` or `npm install planexe-client`.
      const before = words[i - 1];
      const commandPlace =
        before === undefined ||
        OPERATORS.has(before) ||
        LAUNCHERS.has(before) ||
        /^[A-Za-z_][A-Za-z0-9_]*=/.test(before);
      if (!commandPlace) return;
      const args: string[] = [];
      for (const arg of words.slice(i + 1)) {
        if (OPERATORS.has(arg)) break;
        args.push(arg);
      }
      found.push({ bin, args });
    });
  }
  return found;
}
