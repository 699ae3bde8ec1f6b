import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { doctorCommand } from "../../src/cli/commands/doctor.js";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import type { ContractDrift } from "../../src/testing/index.js";
import { callTool } from "../emulator/helpers.js";
import { BASE, startDouble, stopDoubles } from "../testing/helpers.js";
import { MAIN, requireBuild, runCli, runInProcess } from "./helpers.js";

const KEY = "pex_doctor_contract_test_key_0001";

/** `planexe-client doctor …` in this process, so the msw double answers it. */
async function doctorInProcess(args: string[]): Promise<{ code: number; stdout: string }> {
  const { code, out, err } = await runInProcess(doctorCommand, args, {
    PLANEXE_URL: BASE,
    PLANEXE_API_KEY: KEY,
  });
  return { code, stdout: out + err };
}

describe("planexe-client doctor --contract against the emulator", () => {
  let deployed: Emulator;
  let proposal: Emulator;
  let beating: Emulator;
  beforeAll(async () => {
    requireBuild();
    [deployed, proposal, beating] = await Promise.all([
      // As PlanExe is deployed: a key required, PlanExe's limiter, today's stream.
      startEmulator({ port: 0, replicas: 1, apiKeys: [KEY] }),
      // With the project's proposals for the server (event ids and resume, a real 429, drain).
      startEmulator({ port: 0, replicas: 1, apiKeys: [KEY], proposal: true }),
      // A heartbeat a second (PlanExe: 20 s), long plans: the heartbeat check in a second.
      startEmulator({
        port: 0,
        replicas: 1,
        apiKeys: [KEY],
        heartbeatMs: 1000,
        pollIntervalMs: 100,
        planSeconds: 600,
      }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([deployed, proposal, beating].map((e) => e?.stop({ graceMs: 500 })));
  });

  it.concurrent("finds nothing that breaks the client, as deployed and with the proposal", async () => {
    const [anonymous, keyed, withProposal, json] = await Promise.all([
      runCli(MAIN, ["doctor", "--contract", "--url", deployed.url]),
      runCli(MAIN, ["doctor", "--contract", "--url", deployed.url], { PLANEXE_API_KEY: KEY }),
      runCli(MAIN, ["doctor", "--contract", "--url", proposal.url], { PLANEXE_API_KEY: KEY }),
      runCli(MAIN, ["doctor", "--contract", "--json", "--url", deployed.url]),
    ]);
    for (const run of [anonymous, keyed, withProposal]) {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /11 tools listed \(11 in the contract\), 3 free tools answered, auth required, stream retry: 5000/,
      );
      expect(run.stdout).not.toMatch(/BREAKS/);
      expect(run.stdout).toMatch(/^the client works with this server/m);
    }
    const summary = JSON.parse(json.stdout.trim().split("\n").at(-1) ?? "{}");
    expect(summary).toMatchObject({ tools: 11, breaking: 0, authRequired: true, retryMs: 5000 });
  });

  it.concurrent("a key the server refuses shows at once (exit 3), never printed", async () => {
    const run = await runCli(MAIN, ["doctor", "--contract", "--url", deployed.url], {
      PLANEXE_API_KEY: "pex_doctor_wrong_key_0000000001",
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/no tool list/);
    expect(run.stderr + run.stdout).not.toContain("pex_doctor_wrong_key");
  });

  it.concurrent("--heartbeat hears the heartbeat of an unfinished plan and names a pace off the contract's", async () => {
    await callTool(beating.url, "plan_create", { prompt: "A plan the doctor listens to" }, KEY);
    const run = await runCli(MAIN, ["doctor", "--contract", "--heartbeat", "--url", beating.url], {
      PLANEXE_API_KEY: KEY,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/heartbeat after [01]\.\d s of silence/);
    expect(run.stdout).toMatch(
      /^stream heartbeat +every 20 s of silence +after [01]\.\d s +info$/m,
    );
  });
});

describe("planexe-client doctor --contract against a double that drifted", () => {
  afterEach(() => stopDoubles());

  it("names each difference and exits 1 when one breaks the client", async () => {
    const drift: ContractDrift = {
      removeTools: ["plan_stop"],
      annotations: {
        plan_status: { readOnlyHint: false, idempotentHint: false },
        plan_retry: { destructiveHint: true },
      },
      renameInputs: { plan_file_info: { plan_id: "id" } },
    };
    startDouble({ apiKeys: [KEY], drift });
    const { code, stdout } = await doctorInProcess(["--contract"]);
    expect(code, stdout).toBe(1);
    const row = (what: string) => new RegExp(`^${what} +.*$`, "m").exec(stdout)?.[0] ?? "";
    expect(row("plan_stop")).toMatch(/listed +missing +BREAKS/);
    expect(row("plan_status readOnlyHint")).toMatch(/true +false +BREAKS/);
    expect(row("plan_status idempotentHint")).toMatch(/true +false +BREAKS/);
    expect(row("plan_retry destructiveHint")).toMatch(/false +true +info/);
    expect(row("plan_file_info\\.id")).toMatch(/\(none\) +required +BREAKS/);
    expect(row("plan_file_info\\.plan_id")).toMatch(/required +\(none\) +BREAKS/);
    expect(stdout).toMatch(/stopPlan\(\) cannot be called/);
    expect(stdout).toMatch(/^5 of \d+ difference\(s\) break the client$/m);
  });

  it("exits 0 on the same double without drift", async () => {
    startDouble({ apiKeys: [KEY] });
    const { code, stdout } = await doctorInProcess(["--contract"]);
    expect(code, stdout).toBe(0);
    expect(stdout).not.toMatch(/BREAKS/);
  });
});
