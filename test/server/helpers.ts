import type { PlanSnapshot } from "../../src/protocol/index.js";
import { createProgressStreamHandler } from "../../src/server/create-plan-progress-stream.js";
import type { ProgressStreamModeOptions } from "../../src/server/options.js";
import { createManualClock, type ManualClock } from "../../src/testing/manual-clock.js";

export const PLAN_ID = "5f2b1c9e-8a4d-4e2f-9b7a-3c6d1e0f2a4b";
export const BASE = "http://planexe.test";

/** A snapshot source the test mutates: what a PlanExe database row would say right now. */
export function createSnapshotStore(initial: PlanSnapshot[] = []) {
  const rows = new Map(initial.map((snapshot) => [snapshot.plan_id, snapshot]));
  let reads = 0;
  return {
    set(snapshot: PlanSnapshot) {
      rows.set(snapshot.plan_id, snapshot);
    },
    update(planId: string, patch: Partial<PlanSnapshot>) {
      const row = rows.get(planId);
      if (!row) throw new Error(`no row ${planId}`);
      rows.set(planId, { ...row, ...patch });
    },
    delete(planId: string) {
      rows.delete(planId);
    },
    get reads() {
      return reads;
    },
    getSnapshot: async (planId: string) => {
      reads += 1;
      const row = rows.get(planId);
      return row && { ...row };
    },
  };
}

export type SnapshotStore = ReturnType<typeof createSnapshotStore>;

export function setup(
  initial: PlanSnapshot[] = [],
  options: Partial<ProgressStreamModeOptions> = {},
): {
  clock: ManualClock;
  store: SnapshotStore;
  handler: ReturnType<typeof createProgressStreamHandler>;
} {
  const clock = createManualClock();
  const store = createSnapshotStore(initial);
  const handler = createProgressStreamHandler({
    getSnapshot: store.getSnapshot,
    clock,
    ...options,
  });
  return { clock, store, handler };
}

export function streamRequest(
  planId = PLAN_ID,
  init: { headers?: Record<string, string>; signal?: AbortSignal; method?: string } = {},
): Request {
  return new Request(`${BASE}/sse/plan/${planId}`, init);
}

/** Reads a response body as it arrives, the way a client would, with `getReader()`. */
export function collect(response: Response) {
  if (!response.body) throw new Error("response has no body");
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let done = false;
  const finished = (async () => {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) {
        done = true;
        return text;
      }
      text += decoder.decode(chunk.value, { stream: true });
    }
  })();
  return {
    reader,
    finished,
    get text() {
      return text;
    },
    get done() {
      return done;
    },
    /** The blank-line-terminated blocks received so far. */
    get blocks() {
      return text.split("\n\n").filter((block) => block !== "");
    },
  };
}

/** The `id:` values of the events received, in order. */
export function eventIds(text: string): string[] {
  return [...text.matchAll(/^id: (.*)$/gm)].map((match) => match[1] ?? "");
}

export function snapshot(patch: Partial<PlanSnapshot> = {}): PlanSnapshot {
  return {
    plan_id: PLAN_ID,
    state: "processing",
    progress_percentage: 10,
    elapsed_sec: 0,
    ...patch,
  };
}
