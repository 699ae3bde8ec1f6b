import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The real PlanExe kit (`start.sh`, `setup.sh`): `REAL_PLANEXE_KIT`, else
 * `../shared/real-planexe` beside the repository (where CI's fresh clone finds it).
 */
export const KIT = process.env.REAL_PLANEXE_KIT
  ? resolve(process.env.REAL_PLANEXE_KIT)
  : fileURLToPath(new URL("../../../../shared/real-planexe/", import.meta.url));

/** The key `start.sh` provisions in PlanExe's database (1000 credits). */
export const USER_KEY = process.env.LOCAL_USER_KEY ?? "pex_realplanexe_local_test_key_0001";
/** PlanExe's shared key (`PLANEXE_MCP_API_KEY`): a second key with a rate-limit bucket of its own. */
export const SHARED_KEY = process.env.SHARED_KEY ?? "planexe-local-shared-key";

/** Why the real server cannot run here, or `undefined` when it can. */
export function unavailable(): string | undefined {
  if (!existsSync(`${KIT}/start.sh`)) return `no real-planexe kit at ${KIT} (set REAL_PLANEXE_KIT)`;
  if (process.getuid?.() !== 0) return "the real PlanExe server needs root (chroot)";
  return undefined;
}

/** Runs `start.sh <args>`; rejects with its output when it fails or outlasts `timeoutMs`. */
export function kit(args: string[], env: Record<string, string> = {}, timeoutMs = 90_000) {
  return new Promise<string>((done, fail) => {
    execFile(
      "bash",
      [`${KIT}/start.sh`, ...args],
      { env: { ...process.env, ...env }, timeout: timeoutMs, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        if (error)
          fail(
            new Error(`start.sh ${args.join(" ")} failed: ${error.message}\n${stdout}${stderr}`),
          );
        else done(stdout.trim());
      },
    );
  });
}

/** Runs SQL on PlanExe's database, as its worker would; returns psql's unaligned rows. */
export function sql(statement: string): Promise<string> {
  return kit(["sql", statement]);
}

/** Moves a plan along as PlanExe's worker would. */
export async function movePlan(
  planId: string,
  state: "pending" | "processing" | "completed" | "failed" | "stopped",
  progress: number,
  extra = "",
): Promise<void> {
  const steps = Math.round(progress / 10);
  await sql(
    `UPDATE plans SET state='${state}', progress_percentage=${progress}, steps_completed=${steps}, steps_total=10, current_step='step ${steps}', last_progress_at=now()${extra ? `, ${extra}` : ""} WHERE id='${planId}'`,
  );
}

/** A port free on 127.0.0.1 right now (start.sh takes a port, not 0). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** The real server, started for one test file. */
export interface RealServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts PlanExe's `mcp_cloud` (fresh database) on a free port. `extraEnv` is passed
 * as `EXTRA_ENV` (more of PlanExe's own settings). Stop it in `afterAll`, which runs
 * even when a test or the start itself failed.
 */
export async function startReal(extraEnv = ""): Promise<RealServer> {
  const why = unavailable();
  if (why) throw new Error(`cannot run the real-server leg: ${why}`);
  // A run killed before its teardown leaves the server up: this leg owns the home, so it clears it.
  if (/^server pid|^postgres pid/m.test(await kit(["status"]))) await stopReal();
  const port = await freePort();
  await kit(["start", String(port)], extraEnv ? { EXTRA_ENV: extraEnv } : {});
  return { port, url: `http://127.0.0.1:${port}`, stop: stopReal };
}

/** `start.sh stop`: everything down and unmounted (safe when nothing runs). */
export async function stopReal(): Promise<void> {
  await kit(["stop"]);
}
