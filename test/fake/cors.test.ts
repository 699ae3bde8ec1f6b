import { afterEach, describe, expect, it } from "vitest";
import { createPlanExeApp, createPlanExeWorld, DOUBLE_API_KEY } from "../../src/fake/index.js";
import { createManualClock } from "../../src/testing/manual-clock.js";
import { BASE, createPlan } from "./helpers.js";

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const PAGE = "http://127.0.0.1:5173";

const HOME = "https://home.planexe.org";

/** A replica as PlanExe runs with auth off (CORS `*`) unless `auth` is true. */
function setupCors(corsOrigins?: readonly string[], rateLimit?: { limit: number }, auth = false) {
  const world = createPlanExeWorld({
    clock: createManualClock(),
    auth,
    ...(rateLimit && { rateLimit: { ...rateLimit, retryAfterSeconds: 7 } }),
  });
  cleanup = () => world.close();
  const app = createPlanExeApp(world, corsOrigins ? { corsOrigins } : {});
  const fetch = (path: string, init?: RequestInit) =>
    app.fetch(new Request(`${BASE}${path}`, init));
  return { world, fetch };
}

const preflight = (origin: string, method = "POST", headers = "content-type,x-api-key") => ({
  method: "OPTIONS",
  headers: {
    origin,
    "access-control-request-method": method,
    "access-control-request-headers": headers,
  },
});

describe("CORS, as PlanExe's middleware answers it", () => {
  it("with auth on (the default) allows only https://mcp.planexe.org and https://home.planexe.org", async () => {
    const { fetch } = setupCors(undefined, undefined, true);
    for (const origin of ["https://mcp.planexe.org", HOME]) {
      const ok = await fetch("/mcp", preflight(origin));
      expect(ok.status).toBe(200);
      expect(ok.headers.get("access-control-allow-origin")).toBe(origin);
      expect(ok.headers.get("vary")).toBe("Origin");
      expect(ok.headers.has("access-control-allow-credentials")).toBe(false);
    }
    const page = await fetch("/mcp", preflight(PAGE));
    expect(page.status).toBe(400);
    expect(page.headers.has("access-control-allow-origin")).toBe(false);
    const plain = await fetch("/healthcheck", { headers: { origin: PAGE } });
    expect(plain.headers.has("access-control-allow-origin")).toBe(false);
  });

  it("puts the same headers on the early 401, 403 and 429 answers", async () => {
    const { fetch } = setupCors(undefined, { limit: 1 }, true);
    const call = (headers: Record<string, string>) =>
      fetch("/mcp/tools/call", {
        method: "POST",
        headers: { origin: HOME, "content-type": "application/json", ...headers },
        body: JSON.stringify({ tool: "plan_list", arguments: {} }),
      });
    const missing = await call({});
    const invalid = await call({ "x-api-key": "pex_wrong" });
    await call({ "x-api-key": DOUBLE_API_KEY });
    const limited = await call({ "x-api-key": DOUBLE_API_KEY });
    expect([missing.status, invalid.status, limited.status]).toEqual([401, 403, 429]);
    for (const response of [missing, invalid, limited]) {
      expect(response.headers.get("access-control-allow-origin")).toBe(HOME);
      expect(response.headers.get("access-control-allow-methods")).toBe("GET, HEAD, POST, OPTIONS");
      expect(response.headers.get("vary")).toBe("Origin");
      expect(response.headers.has("access-control-expose-headers")).toBe(false);
    }
  });

  it("with auth off answers a preflight from any origin: `*`, PlanExe's methods, the requested headers reflected, cached 600 s", async () => {
    const { fetch } = setupCors();
    for (const path of ["/mcp", "/sse/plan/abc", "/download/abc/report.html", "/nowhere"]) {
      const response = await fetch(path, preflight(PAGE, "GET", "last-event-id,x-api-key"));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("OK");
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-allow-methods")).toBe("GET, HEAD, POST, OPTIONS");
      expect(response.headers.get("access-control-allow-headers")).toBe("last-event-id,x-api-key");
      expect(response.headers.get("access-control-max-age")).toBe("600");
    }
  });

  it("with auth off puts `*` on every answer, errors included, and exposes no header", async () => {
    const { fetch, world } = setupCors();
    const planId = createPlan(world, "Open a bakery");
    const answers = await Promise.all([
      fetch("/healthcheck", { headers: { origin: PAGE } }),
      fetch("/mcp/tools", { headers: { origin: PAGE } }),
      fetch("/nowhere", { headers: { origin: PAGE } }),
      fetch(`/sse/plan/${planId}`, { headers: { origin: PAGE } }),
    ]);
    expect(answers.map((response) => response.status)).toEqual([200, 200, 404, 200]);
    for (const response of answers) {
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-allow-headers")).toBe("*");
      expect(response.headers.has("access-control-expose-headers")).toBe(false);
    }
    expect(answers[3]?.headers.get("content-type")).toContain("text/event-stream");
    await answers[3]?.body?.cancel();
  });

  it("leaves a request without Origin alone (curl, Node)", async () => {
    const { fetch } = setupCors();
    const response = await fetch("/healthcheck");
    expect(response.headers.has("access-control-allow-origin")).toBe(false);
  });

  it("with a list of origins: reflects a listed one with Vary: Origin, and gives any other none (its page sees a TypeError)", async () => {
    const { fetch } = setupCors([PAGE]);
    const listed = await fetch("/healthcheck", { headers: { origin: PAGE } });
    expect(listed.headers.get("access-control-allow-origin")).toBe(PAGE);
    expect(listed.headers.get("vary")).toBe("Origin");
    const ok = await fetch("/mcp", preflight(PAGE));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(PAGE);

    const other = await fetch("/healthcheck", { headers: { origin: "http://evil.test" } });
    expect(other.status).toBe(200);
    expect(other.headers.has("access-control-allow-origin")).toBe(false);
    const refused = await fetch("/mcp", preflight("http://evil.test"));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toBe("Disallowed CORS origin");
    expect(refused.headers.has("access-control-allow-origin")).toBe(false);
  });

  it("refuses a preflight for a method PlanExe does not allow", async () => {
    const { fetch } = setupCors();
    const response = await fetch("/healthcheck", preflight(PAGE, "DELETE"));
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("Disallowed CORS method");
  });

  it("counts a preflight of /mcp against the rate limit, as PlanExe does, and its 429 carries CORS headers", async () => {
    const { fetch } = setupCors(undefined, { limit: 1 });
    expect((await fetch("/healthcheck", preflight(PAGE))).status).toBe(200);
    expect((await fetch("/mcp/tools/call", preflight(PAGE))).status).toBe(200);
    const limited = await fetch("/mcp/tools/call", {
      method: "POST",
      headers: { origin: PAGE, "content-type": "application/json" },
      body: JSON.stringify({ tool: "example_prompts", arguments: {} }),
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("access-control-allow-origin")).toBe("*");
    // Sent only when asked for (PlanExe sends none), and a browser hides it: nothing exposes it.
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.headers.has("access-control-expose-headers")).toBe(false);
  });
});
