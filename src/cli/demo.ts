import { durationFlag } from "./args/duration.js";
import { parse } from "./args/parse.js";
import { DEMO_DEFAULTS, runDemo } from "./demo/run-demo.js";
import { summaryLines } from "./demo/summary.js";
import { ExitCode, usageError } from "./exit-codes.js";
import type { CliEnv } from "./output.js";
import { runMain } from "./run.js";

const NAME = "demo";
const HELP = `Usage: npm run demo [-- options]

Starts a local PlanExe emulator (edge + 2 replicas + worker), creates a plan and
watches it while a rolling deploy and then a 20 s restart deploy run mid-plan,
with plan_status calls on the side. Ends with a summary; exits 0 only if nothing
was lost (no failed call, every snapshot once, exactly one completion).

Options:
  --plan-seconds N          how long the plan runs [default: 45]
  --rolling-at DURATION     rolling deploy after [default: 5s]
  --restart-at DURATION     restart deploy after [default: 15s]
  --restart-window DURATION the restart's 502 window [default: 20s]
  --json                    JSON lines, and the summary as one JSON object
  -h, --help                show this help
`;

const OPTIONS = {
  "plan-seconds": { type: "string" },
  "rolling-at": { type: "string" },
  "restart-at": { type: "string" },
  "restart-window": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function duration(name: string, value: string | undefined, fallback: number): number {
  return durationFlag(NAME, name, value, fallback, { example: "5s or 500ms", zero: true });
}

async function demo(args: string[], env: CliEnv): Promise<number> {
  const { values, positionals } = parse(NAME, args, OPTIONS);
  if (values.help) {
    env.output.out(HELP);
    return ExitCode.OK;
  }
  if (positionals.length > 0) throw usageError(NAME, "takes no arguments");
  const planMs = duration("plan-seconds", values["plan-seconds"], DEMO_DEFAULTS.planSeconds * 1000);
  if (planMs <= 0) throw usageError(NAME, "--plan-seconds must be positive");
  const summary = await runDemo({
    planSeconds: planMs / 1000,
    rollingAtMs: duration("rolling-at", values["rolling-at"], DEMO_DEFAULTS.rollingAtMs),
    restartAtMs: duration("restart-at", values["restart-at"], DEMO_DEFAULTS.restartAtMs),
    restartWindowMs: duration(
      "restart-window",
      values["restart-window"],
      DEMO_DEFAULTS.restartWindowMs,
    ),
    pollMs: DEMO_DEFAULTS.pollMs,
    json: values.json === true,
    output: env.output,
    signal: env.signal,
  });
  if (env.signal.aborted) return ExitCode.INTERRUPTED;
  if (values.json) env.output.out(`${JSON.stringify({ type: "summary", ...summary })}\n`);
  else for (const line of summaryLines(summary)) env.output.out(`${line}\n`);
  return summary.ok ? ExitCode.OK : ExitCode.FAILED;
}

runMain(demo);
