#!/usr/bin/env node
import { runMain } from "./run.js";

// The `watch-plan` bin. The command is loaded after `runMain` started (so Node's compile cache covers it).
runMain(async (args, env) => (await import("./commands/watch.js")).runWatchCommand(args, env));
