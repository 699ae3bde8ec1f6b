import { describe, expect, it } from "vitest";
import {
  AuthError,
  isPlanExeError,
  PlanExeError,
  PlanNotFoundError,
  TransportError,
} from "../../src/errors/index.js";
import { redact, redactHeaders, redactUrl } from "../../src/errors/redact.js";

const PLAN = "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b";

describe("typed errors", () => {
  it("carry a literal name, a code and the original cause", () => {
    const cause = new TypeError("fetch failed");
    const error = new TransportError("NETWORK_ERROR", "PlanExe unreachable", {
      cause,
      attempts: 4,
    });
    expect(error).toBeInstanceOf(PlanExeError);
    expect(error.name).toBe("TransportError");
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.cause).toBe(cause);
    expect(error.attempts).toBe(4);
    expect(new AuthError("Invalid API key").code).toBe("AUTH_FAILED");
    expect(new PlanNotFoundError("no such plan").code).toBe("PLAN_NOT_FOUND");
  });

  it("are recognised across realms by a brand, not only instanceof", () => {
    const error = new PlanNotFoundError("no such plan");
    const copy = Object.create(Object.getPrototypeOf(Object.getPrototypeOf(error)));
    expect(isPlanExeError(error)).toBe(true);
    expect(isPlanExeError(new Error("plain"))).toBe(false);
    expect(isPlanExeError(copy)).toBe(false);
    expect(isPlanExeError(null)).toBe(false);
  });

  it("keep the brand out of enumerable fields", () => {
    const error = new AuthError("Invalid API key", { status: 403 });
    const brand = Symbol.for("planexe-client.PlanExeError");
    expect(Object.getOwnPropertyDescriptor(error, brand)?.enumerable).toBe(false);
    expect(Object.getOwnPropertySymbols({ ...error })).toEqual([]);
  });
});

describe("redaction", () => {
  it("hides plan ids and signed tokens in URLs", () => {
    const url = `https://mcp.planexe.org/download/${PLAN}/report.html?token=abc.def`;
    const shown = redactUrl(url);
    expect(shown).toBe("https://mcp.planexe.org/download/***/report.html?token=***");
    expect(redactUrl(`https://mcp.planexe.org/sse/plan/${PLAN}`)).not.toContain(PLAN);
  });

  it("hides user info and works on unparseable text", () => {
    expect(redactUrl("https://me:pw@example.org/x")).toBe("https://***:***@example.org/x");
    expect(redactUrl(`/sse/plan/${PLAN}?token=x`)).toBe("/sse/plan/***?token=***");
  });

  it("hides given secrets and plan ids in free text", () => {
    expect(
      redact(`key pex_secret123 for ${PLAN}`, { secrets: ["pex_secret123"], planIds: true }),
    ).toBe("key *** for ***");
  });

  it("hides secret headers", () => {
    expect(
      redactHeaders({
        "X-API-Key": "pex_1",
        Authorization: "Bearer pex_1",
        Accept: "application/json",
      }),
    ).toEqual({ "x-api-key": "***", authorization: "***", accept: "application/json" });
  });
});
