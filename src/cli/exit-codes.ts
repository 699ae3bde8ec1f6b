/** The CLI's exit codes (documented in `--help`). */
export const ExitCode = {
  /** The plan completed, or the command succeeded. */
  OK: 0,
  /** The plan failed, or a `doctor` check failed. */
  FAILED: 1,
  /** The plan was stopped. */
  STOPPED: 2,
  /** Bad usage, a rejected key, an unknown plan, or no server before the deadline. */
  ERROR: 3,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI reports as one line on stderr before exiting with `exitCode`. */
export class CliError extends Error {
  override name = "CliError" as const;
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode = ExitCode.ERROR, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** Bad arguments: the message says what to type instead. */
export function usageError(command: string, message: string): CliError {
  return new CliError(`${command}: ${message} (see \`${command} --help\`)`);
}
