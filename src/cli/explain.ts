import { isPlanExeError } from "../errors/index.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { safeMessage } from "./output.js";

/** What {@link explain} needs to word a failure. */
export interface ExplainContext {
  command: string;
  baseUrl?: string | undefined;
  apiKey?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Turns any failure into a one-line {@link CliError} with its exit code: a bad key,
 * an unknown plan, an unreachable server, a misuse. No API key and no plan id in it.
 */
export function explain(error: unknown, context: ExplainContext): CliError {
  if (error instanceof CliError) return error;
  const { command, baseUrl, apiKey } = context;
  if (context.signal?.aborted) return new CliError("interrupted", ExitCode.INTERRUPTED);
  const raw = error instanceof Error ? error.message : String(error);
  const message = safeMessage(raw, [apiKey]);
  const where = baseUrl ? ` ${baseUrl}` : "";
  if (isPlanExeError(error)) {
    switch (error.code) {
      case "PLAN_NOT_FOUND":
        return new CliError(`${command}: no plan with this id on${where || " the server"}`, 3, {
          cause: error,
        });
      case "AUTH_FAILED":
        return new CliError(
          apiKey
            ? `${command}: the server${where} rejected the API key (check --api-key / PLANEXE_API_KEY)`
            : `${command}: the server${where} needs an API key: pass --api-key or set PLANEXE_API_KEY`,
          ExitCode.ERROR,
          { cause: error },
        );
      case "NETWORK_ERROR":
        // The proxy's refusal is the proxy's: PlanExe was never asked.
        if (viaProxy(error)) return new CliError(`${command}: ${message}`, 3, { cause: error });
        return new CliError(`${command}: could not reach${where || " the server"}: ${message}`, 3, {
          cause: error,
        });
      case "RATE_LIMITED":
        // The server answered: it is the key's (or address's) budget, not the network.
        return new CliError(
          `${command}: rate limited by${where || " the server"} (PlanExe allows 60 requests a minute per key); try again shortly: ${message}`,
          3,
          { cause: error },
        );
      case "HTTP_ERROR":
      case "ATTEMPT_TIMEOUT":
      case "DEADLINE_EXCEEDED":
        return new CliError(`${command}: could not reach${where || " the server"}: ${message}`, 3, {
          cause: error,
        });
      default:
        return new CliError(`${command}: ${error.code}: ${message}`, ExitCode.ERROR, {
          cause: error,
        });
    }
  }
  if (error instanceof TypeError) return new CliError(`${command}: ${message}`, ExitCode.ERROR);
  return new CliError(`${command}: ${message}`, ExitCode.ERROR, { cause: error });
}

/** The proxy that refused the connection, when the error says so (see `proxyFetch`). */
function viaProxy(error: { details?: unknown }): string | undefined {
  const proxy = (error.details as { proxy?: unknown } | undefined)?.proxy;
  return typeof proxy === "string" ? proxy : undefined;
}
