// Creates a plan and shows its progress until the report is ready. planexe-client
// does the deploy-proofing: calls wait through a restart, the progress stream
// reconnects and resumes, and `complete` arrives exactly once. This page only says
// what is going on. `?server=` fills in the server field.
import { isPlanExeError, PlanExeClient } from "planexe-client";

const DEPLOYING = "server deploying — reconnecting";
const form = document.getElementById("create");
const bar = document.getElementById("bar");
const state = document.getElementById("state");
const notice = document.getElementById("notice");
const result = document.getElementById("result");

const server = new URLSearchParams(location.search).get("server");
if (server) form.server.value = server;

/** Shows `text` in the notice, or hides it. */
function say(text) {
  notice.textContent = text ?? "";
  notice.hidden = !text;
}

function show(event) {
  bar.value = event.progress_percentage;
  state.textContent = `${event.state} — ${Math.floor(event.progress_percentage)} %`;
}

async function run(baseUrl, apiKey, prompt) {
  const client = new PlanExeClient({
    baseUrl,
    apiKey: apiKey || undefined,
    // A call that meets a deploy waits for the server and is retried; the SDK logs it.
    logger: { warn: () => say(DEPLOYING) },
  });
  try {
    state.textContent = "creating the plan…";
    const plan = await client.createPlan(prompt);
    let end;
    for await (const event of client.watch(plan.plan_id)) {
      if (event.type === "reconnecting") say(DEPLOYING);
      if (event.type === "status" || event.type === "complete") {
        say(undefined);
        show(event);
      }
      if (event.type === "complete") end = event;
    }
    if (end?.state !== "completed") {
      state.textContent = `the plan ended ${end?.state ?? "without an answer"}`;
      return;
    }
    const report = await client.getFileInfo(plan.plan_id, { artifact: "report" });
    const link = document.createElement("a");
    link.href = report.download_url;
    link.textContent = "Open the report";
    result.replaceChildren(link, ` (${Math.round(report.download_size / 1024)} KB)`);
  } catch (error) {
    // SDK errors are typed and carry no key: safe to show.
    state.textContent = isPlanExeError(error) ? `${error.code}: ${error.message}` : String(error);
  } finally {
    say(undefined);
    await client.close();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  form.querySelector("button").disabled = true;
  document.getElementById("plan").hidden = false;
  const { server: url, key, prompt } = form.elements;
  run(url.value.trim(), key.value.trim(), prompt.value.trim()).finally(() => {
    form.querySelector("button").disabled = false;
  });
});
