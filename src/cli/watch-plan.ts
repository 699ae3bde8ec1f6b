#!/usr/bin/env node
import { runWatchCommand } from "./commands/watch.js";
import { runMain } from "./run.js";

// The `watch-plan` bin.
runMain((args, env) => runWatchCommand(args, env));
