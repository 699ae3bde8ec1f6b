import { type ParseArgsConfig, parseArgs } from "node:util";
import { usageError } from "../exit-codes.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The values and positionals of a command line, as `node:util` `parseArgs` gives them. */
export interface Parsed<O extends Options> {
  values: ReturnType<
    typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
  >["values"];
  positionals: string[];
}

/**
 * `parseArgs` in strict mode; an unknown option or a missing value becomes a
 * one-line usage error naming the command.
 */
export function parse<O extends Options>(command: string, args: string[], options: O): Parsed<O> {
  try {
    const result = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: result.values, positionals: result.positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw usageError(command, (message ?? "bad arguments").replace(/\.$/, ""));
  }
}
