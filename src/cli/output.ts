import { redact } from "../errors/redact.js";

/** Where the CLI writes. Injectable so tests capture it; every line passes through secret redaction. */
export interface Output {
  /** Writes to stdout as is (no newline added). */
  out(text: string): void;
  /** Writes to stderr as is (no newline added). */
  err(text: string): void;
  /** Whether stdout is a terminal (progress bar, colours) or a pipe/file (one line per change). */
  readonly isTTY: boolean;
  /** The terminal's width, for the progress bar. */
  readonly columns: number;
}

/** Where a CLI run reads its input and environment from. */
export interface CliEnv {
  output: Output;
  /** Environment variables (`PLANEXE_URL`, `PLANEXE_API_KEY`). */
  env: Record<string, string | undefined>;
  /**
   * Reads all of stdin (for `create` with the prompt piped in); `undefined` when stdin
   * is a terminal, `null` (having stopped reading) when it holds more than `maxBytes`.
   */
  readStdin(maxBytes: number): Promise<string | undefined | null>;
  /** Aborts on Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
}

/** The bar's own redraw prefix: the only control sequence the CLI writes itself. */
export const CLEAR_LINE = "\r\x1b[2K";

/**
 * Wraps an output so that no secret (the API key, URL user info) is ever written,
 * whatever a message or a server's JSON contains, and no control character from a
 * server reaches the terminal (only the bar's own line redraw does).
 */
export function redactingOutput(output: Output, secrets: readonly string[]): Output {
  const clean = (text: string) => {
    const redraw = text.startsWith(CLEAR_LINE);
    const body = redact(redraw ? text.slice(CLEAR_LINE.length) : text, { secrets, controls: true });
    return redraw ? `${CLEAR_LINE}${body}` : body;
  };
  return {
    out: (text) => output.out(clean(text)),
    err: (text) => output.err(clean(text)),
    get isTTY() {
      return output.isTTY;
    },
    get columns() {
      return output.columns;
    },
  };
}

/** The process's own stdout/stderr. */
export function processOutput(): Output {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    get isTTY() {
      return process.stdout.isTTY === true;
    },
    get columns() {
      return process.stdout.columns || 80;
    },
  };
}

/** Redacts plan-id-shaped values and the given secrets from a message that came from elsewhere. */
export function safeMessage(text: string, secrets: readonly (string | undefined)[]): string {
  return redact(text, { secrets, planIds: true }).replace(/\s+/g, " ").trim();
}
