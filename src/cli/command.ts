import { PlanExeClient } from "../client.js";
import type { Connection } from "./args/connection.js";
import { explain } from "./explain.js";
import type { CliEnv } from "./output.js";
import { proxyFetch } from "./proxy.js";

/** One `planexe-client` subcommand. */
export interface Command {
  name: string;
  /** Resolves with the exit code; reports its own errors. */
  run(args: string[], env: CliEnv): Promise<number>;
}

/** A client for `connection`, closed when `signal` aborts. */
export function createClient(connection: Connection, signal: AbortSignal): PlanExeClient {
  return new PlanExeClient({
    baseUrl: connection.baseUrl,
    ...(connection.apiKey && { apiKey: connection.apiKey }),
    ...(connection.timeoutMs !== undefined && { retry: { deadlineMs: connection.timeoutMs } }),
    // HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as users have them set.
    fetch: proxyFetch(process.env),
    signal,
  });
}

/**
 * Runs `work` with a client; any failure becomes one line on stderr and its exit
 * code (3 for a bad key, an unknown plan or an unreachable server; 130 on Ctrl-C).
 */
export async function withClient(
  command: string,
  connection: Connection,
  env: CliEnv,
  work: (client: PlanExeClient) => Promise<number>,
): Promise<number> {
  const client = createClient(connection, env.signal);
  try {
    return await work(client);
  } catch (error) {
    const cliError = explain(error, { command, ...connection, signal: env.signal });
    if (cliError.exitCode !== 130) env.output.err(`${cliError.message}\n`);
    return cliError.exitCode;
  } finally {
    await client.close().catch(() => {});
  }
}
