import { once } from "node:events";
import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIN, requireBuild, runCli, startCli, WATCH_PLAN } from "../cli/helpers.js";
import {
  ANNOUNCED,
  type HostileServer,
  keySpellings,
  PLAN_ID,
  startHostileServer,
} from "./server.js";

const KEY = "pex_hostile_cli_key_51ab";
let server: HostileServer;
const tmp = mkdtempSync(join(tmpdir(), "planexe-hostile-"));

beforeAll(async () => {
  requireBuild();
  server = await startHostileServer();
});
afterAll(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

const env = (scenario: string) => ({
  PLANEXE_URL: `${server.url}/${scenario}`,
  PLANEXE_API_KEY: KEY,
});
/** ESC, BEL, BS, CR and the 8-bit CSI: what a terminal would act on. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const RAW_CONTROL = /[\u0007\u0008\u000d\u001b\u009b]/;

describe("the CLI against a hostile server", { timeout: 60_000 }, () => {
  it.concurrent("watch-plan <sse-url> on another origin than PLANEXE_URL never sends it the key", async () => {
    const run = await runCli(
      WATCH_PLAN,
      [`${server.foreignUrl}/foreign/sse/plan/${PLAN_ID}`],
      env("foreign"),
    );
    expect(run.code, run.stderr).toBe(1); // the stream says: failed
    const foreign = server.requests.filter(
      (r) => r.origin === server.foreignUrl && r.path.startsWith("/foreign/"),
    );
    expect(foreign.length).toBeGreaterThan(0);
    for (const request of foreign) expect(request.headers["x-api-key"]).toBeUndefined();
  });

  it.concurrent("a PLANEXE_URL with user:password@ is refused at once, not printed", async () => {
    const url = new URL(`${server.url}/userinfo`);
    url.username = "me";
    url.password = "hunter2";
    const run = await runCli(MAIN, ["status", PLAN_ID], { PLANEXE_URL: url.toString() });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/user:password@/);
    expect(run.stdout + run.stderr).not.toContain("hunter2");
    expect(server.requests.filter((r) => r.path.startsWith("/userinfo/"))).toEqual([]);
  });

  it.concurrent("escape sequences in server text are shown, not executed (status, --json, list, watch-plan)", async () => {
    const runs = await Promise.all([
      runCli(MAIN, ["status", PLAN_ID], env("escapes")),
      runCli(MAIN, ["status", "--json", PLAN_ID], env("escapes")),
      runCli(MAIN, ["list"], env("escapes")),
      runCli(WATCH_PLAN, [PLAN_ID], env("escapes")),
    ]);
    for (const run of runs) {
      expect(run.stdout + run.stderr).not.toMatch(RAW_CONTROL);
    }
    expect(runs[0]?.stdout).toContain("\\u001b]0;pwned\\u0007");
    // --json stays JSON: the 8-bit CSI is escaped the JSON way, and decodes to what was sent.
    const json = JSON.parse(runs[1]?.stdout ?? "");
    expect(json.current_step).toContain("\u009b31m");
  });

  it.concurrent("a key with a quote and a backslash, echoed in every spelling and field, is never printed (status, --json, list, watch, watch-plan)", async () => {
    const key = `pex_c"l\\i'key_94e0`;
    const keyEnv = { PLANEXE_URL: `${server.url}/keyecho`, PLANEXE_API_KEY: key };
    const runs = await Promise.all([
      runCli(MAIN, ["status", PLAN_ID], keyEnv),
      runCli(MAIN, ["status", "--json", PLAN_ID], keyEnv),
      runCli(MAIN, ["list"], keyEnv),
      runCli(MAIN, ["watch", PLAN_ID], keyEnv),
      runCli(WATCH_PLAN, [`${server.url}/keyecho/sse/plan/${PLAN_ID}`], keyEnv),
    ]);
    for (const run of runs) {
      const printed = run.stdout + run.stderr;
      expect(printed).toContain("***");
      expect(printed).not.toMatch(RAW_CONTROL);
      for (const form of keySpellings(key)) expect(printed).not.toContain(form);
    }
  });

  it.concurrent("download keeps an existing file, and never writes through a symlink", async () => {
    const dir = mkdtempSync(join(tmp, "keep-"));
    const path = join(dir, `${PLAN_ID}-run.zip`);
    writeFileSync(path, "mine");
    const kept = await runCli(
      MAIN,
      ["download", "--artifact", "zip", "--dir", dir, PLAN_ID],
      env("good"),
    );
    expect(kept.code).toBe(3);
    expect(kept.stderr).toMatch(/already exists; pass --force/);
    expect(readFileSync(path, "utf8")).toBe("mine");

    const victim = join(tmp, `victim-${Date.now()}`);
    writeFileSync(victim, "precious");
    rmSync(path);
    symlinkSync(victim, path);
    const linked = await runCli(
      MAIN,
      ["download", "--artifact", "zip", "--dir", dir, PLAN_ID],
      env("good"),
    );
    expect(linked.code).toBe(3);
    expect(readFileSync(victim, "utf8")).toBe("precious");

    const forced = await runCli(
      MAIN,
      ["download", "--force", "--artifact", "zip", "--dir", dir, PLAN_ID],
      env("good"),
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(readFileSync(path)).toEqual(Buffer.from(ANNOUNCED.body));
    expect(readdirSync(dir)).toEqual([`${PLAN_ID}-run.zip`]);
  });

  it.concurrent("an endless download is cut at its announced size (exit 3, TOO_LARGE), leaving no file", async () => {
    const dir = mkdtempSync(join(tmp, "endless-"));
    const run = await runCli(
      MAIN,
      ["download", "--artifact", "zip", "--dir", dir, PLAN_ID],
      env("endless"),
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/TOO_LARGE/);
    expect(readdirSync(dir)).toEqual([]);
    expect(server.bytesSent("/endless/download/")).toBeLessThan(64 * 1024 * 1024);
  });

  it.concurrent("doctor reads no more than a bounded prefix of endless answers", async () => {
    const run = await runCli(MAIN, ["doctor", "--timeout", "5s"], {
      PLANEXE_URL: `${server.url}/endlessall`,
    });
    expect(run.code).toBe(1);
    expect(server.bytesSent("/endlessall/")).toBeLessThan(64 * 1024 * 1024);
  });

  it.concurrent("takes the key from --api-key-file, and --help warns about --api-key", async () => {
    const file = join(tmp, "key");
    writeFileSync(file, "pex_from_file_8c2d\n");
    const run = await runCli(MAIN, ["status", "--api-key-file", file, PLAN_ID], {
      PLANEXE_URL: `${server.url}/foreign`,
    });
    expect(run.code, run.stderr).toBe(0);
    const sent = server.requests.filter((r) => r.headers["x-api-key"] === "pex_from_file_8c2d");
    expect(sent.length).toBeGreaterThan(0);
    const huge = await runCli(MAIN, ["status", "--api-key-file", "/dev/zero", PLAN_ID], {
      PLANEXE_URL: `${server.url}/foreign`,
    });
    expect(huge.code).toBe(3); // 4 KiB of NULs read, not the endless file; not a key
    expect(huge.stderr).toMatch(/characters a key never has/);
    const help = await runCli(MAIN, ["status", "--help"]);
    expect(help.stdout).toMatch(/--api-key KEY[\s\S]*process list/);
  });

  it.concurrent("create refuses a prompt file or stdin past 1 MiB instead of reading it whole", async () => {
    const fromFile = await runCli(MAIN, ["create", "--file", "/dev/zero"], env("good"));
    expect(fromFile.code).toBe(3);
    expect(fromFile.stderr).toMatch(/longer than 1048576 bytes/);
    const fromStdin = await runCli(MAIN, ["create"], env("good"), "a".repeat(2 * 1024 * 1024));
    expect(fromStdin.code).toBe(3);
    expect(fromStdin.stderr).toMatch(/stdin is longer than/);
  });

  it.concurrent("Ctrl-C ends `create` at once while it reads a stdin that never closes", async () => {
    const run = startCli(MAIN, ["create"], env("good"), { input: null, killAfterMs: 15_000 });
    const stdin = run.child.stdin as NonNullable<typeof run.child.stdin>;
    // More than a pipe holds: "drain" comes only once the CLI is reading.
    if (!stdin.write(Buffer.alloc(1 << 19, 97))) await once(stdin, "drain");
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(130);
    expect(run.child.signalCode).toBeNull(); // its own exit, not killed
  });
});
