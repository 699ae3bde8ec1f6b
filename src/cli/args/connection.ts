import { rememberSecret } from "../../errors/redact.js";
import { CliError, usageError } from "../exit-codes.js";
import { durationFlag } from "./duration.js";
import { readFileHead } from "./file-head.js";

/** The `parseArgs` options every command that talks to a server takes. */
export const CONNECTION_OPTIONS = {
  url: { type: "string" },
  "api-key": { type: "string" },
  "api-key-file": { type: "string" },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The default server. */
export const DEFAULT_URL = "https://mcp.planexe.org";

/** Help text lines for {@link CONNECTION_OPTIONS}. */
export const CONNECTION_HELP = `  --url URL          PlanExe server (env PLANEXE_URL) [default: ${DEFAULT_URL}]
  --api-key-file PATH read the PlanExe API key (pex_…) from this file's first line
  --api-key KEY      the key itself; avoid it: every user of this machine sees it in
                     the process list (use PLANEXE_API_KEY or --api-key-file); never printed
  --timeout DURATION give up when the server stays unreachable this long (30s, 5m) [default: 3m]`;

/** Where and how to reach the server. */
export interface Connection {
  baseUrl: string;
  apiKey: string | undefined;
  /** The retry deadline of one outage, in ms. */
  timeoutMs: number | undefined;
}

/** Resolves `--url`, `--api-key`, `--timeout` with their environment fallbacks. */
export function resolveConnection(
  command: string,
  values: {
    url?: string | undefined;
    "api-key"?: string | undefined;
    "api-key-file"?: string | undefined;
    timeout?: string | undefined;
  },
  env: Record<string, string | undefined>,
): Connection {
  const raw = values.url ?? env.PLANEXE_URL ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(command, `--url must be an http(s) URL such as ${DEFAULT_URL}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw usageError(command, `--url must be an http(s) URL such as ${DEFAULT_URL}`);
  // Never echoed: it holds a password.
  if (url.username || url.password)
    throw usageError(
      command,
      "--url / PLANEXE_URL must not contain user:password@; give the key with --api-key-file or PLANEXE_API_KEY",
    );
  if (values["api-key"] !== undefined && values["api-key-file"] !== undefined)
    throw usageError(command, "give the key with --api-key-file or --api-key, not both");
  const apiKey =
    values["api-key-file"] !== undefined
      ? readKeyFile(command, values["api-key-file"])
      : (values["api-key"] ?? (env.PLANEXE_API_KEY || undefined));
  rememberSecret(apiKey);
  if (apiKey !== undefined && apiKey.trim() === "")
    throw new CliError(`${command}: --api-key is empty`);
  // Never echoed; an HTTP header carries visible ASCII only, so anything else is a mistake, not a key.
  if (apiKey !== undefined && !/^[\x21-\x7e]+$/.test(apiKey.trim()))
    throw new CliError(
      `${command}: the API key holds spaces or characters a key never has (check the file or variable)`,
    );
  const timeoutMs =
    values.timeout === undefined
      ? undefined
      : durationFlag(command, "timeout", values.timeout, 0, { example: "30s, 5m or 1500ms" });
  return { baseUrl: url.toString().replace(/\/+$/, ""), apiKey, timeoutMs };
}

/** The most of a key file read. */
const MAX_KEY_FILE_BYTES = 4096;

/** The key in `path`: its first line, trimmed. The file's content is never echoed. */
function readKeyFile(command: string, path: string): string {
  let text: string;
  try {
    // A key is a short line: /dev/zero or a log file given by mistake is not read whole.
    text = readFileHead(path, MAX_KEY_FILE_BYTES).text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new CliError(`${command}: cannot read --api-key-file ${path} (${code})`);
  }
  const key = text.split(/\r?\n/, 1)[0]?.trim() ?? "";
  if (key === "") throw new CliError(`${command}: --api-key-file ${path} is empty`);
  return key;
}
