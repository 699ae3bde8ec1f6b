import { describe, expect, it } from "vitest";
import {
  AuthError,
  InsufficientCreditsError,
  InvalidArgumentError,
  isPlanExeError,
  PlanNotFoundError,
  ProtocolError,
  ToolError,
  TransportError,
} from "../../src/errors/index.js";
import { callError } from "../../src/tools/call-error.js";
import { ContentTypeError, HttpStatusError, RpcError } from "../../src/tools/mcp-http.js";
import { dropNulls, parseToolOutput } from "../../src/tools/parse-output.js";
import { toolErrorFromResult } from "../../src/tools/result-error.js";
import { PlanCreateOutputSchema } from "../../src/tools/schemas/index.js";

const KEY = "pex_live_0123456789abcdef";
const PLAN_ID = "5e2b1c3a-1f2d-4c3b-9a8e-0123456789ab";

const failed = (code: string, message: string, details?: unknown) => ({
  isError: true,
  structuredContent: { error: { code, message, ...(details !== undefined && { details }) } },
  content: [{ type: "text", text: JSON.stringify({ error: { code, message } }) }],
});

describe("tool errors", () => {
  it("become the typed error of the server's code, with details kept", () => {
    const notFound = toolErrorFromResult("plan_status", failed("PLAN_NOT_FOUND", "no such plan"));
    expect(notFound).toBeInstanceOf(PlanNotFoundError);
    expect(notFound.code).toBe("PLAN_NOT_FOUND");
    expect(notFound.tool).toBe("plan_status");

    const credits = toolErrorFromResult("plan_create", failed("INSUFFICIENT_CREDITS", "top up"));
    expect(credits).toBeInstanceOf(InsufficientCreditsError);

    for (const code of [
      "INVALID_ARGUMENT",
      "INVALID_ARGUMENTS",
      "INVALID_TOOL",
      "INVALID_FEEDBACK",
    ]) {
      const error = toolErrorFromResult("send_feedback", failed(code, "bad"));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.code).toBe(code);
    }

    const refused = toolErrorFromResult(
      "plan_retry",
      failed("PLAN_NOT_FAILED", "not failed", { state: "processing" }),
    );
    expect(refused).toBeInstanceOf(ToolError);
    expect(refused.code).toBe("PLAN_NOT_FAILED");
    expect(refused.details).toEqual({ state: "processing" });
  });

  it("keep an unknown server code in details", () => {
    const error = toolErrorFromResult("plan_create", failed("BRAND_NEW_CODE", "new"));
    expect(error.code).toBe("UNKNOWN_SERVER_ERROR");
    expect(error.details).toMatchObject({ code: "BRAND_NEW_CODE" });
  });

  it("are read from the JSON text when there is no structuredContent", () => {
    const error = toolErrorFromResult("plan_status", {
      isError: true,
      content: [{ type: "text", text: '{"error":{"code":"PLAN_NOT_FOUND","message":"gone"}}' }],
    });
    expect(error).toBeInstanceOf(PlanNotFoundError);
    const plain = toolErrorFromResult("plan_status", {
      isError: true,
      content: [{ type: "text", text: "Input validation error" }],
    });
    expect(plain.code).toBe("UNKNOWN_SERVER_ERROR");
    expect(plain.message).toContain("Input validation error");
  });

  it("never show the key or a plan id in the message", () => {
    const error = toolErrorFromResult(
      "plan_status",
      failed("PLAN_NOT_FOUND", `Plan ${PLAN_ID} not found for key ${KEY}`),
      [KEY],
    );
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain(PLAN_ID);
    expect(error.message).toContain("***");
  });
});

describe("call errors", () => {
  it("map PlanExe's JSON-RPC −32001 to AuthError", () => {
    const error = callError(new RpcError(-32001, `Invalid API key ${KEY}`), "plan_list", [KEY]);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).not.toContain(KEY);
    expect((error as AuthError).cause).toBeInstanceOf(RpcError);
  });

  it("map JSON-RPC −32602 to INVALID_ARGUMENTS and other codes to INVALID_RESPONSE", () => {
    const params = callError(new RpcError(-32602, "Invalid params"), "plan_status");
    expect(params).toBeInstanceOf(InvalidArgumentError);
    expect(params.code).toBe("INVALID_ARGUMENTS");
    const other = callError(new RpcError(-32603, "Internal error"), "plan_status");
    expect(other).toBeInstanceOf(ProtocolError);
    expect(other.code).toBe("INVALID_RESPONSE");
    expect(other.details).toMatchObject({ rpcCode: -32603 });
  });

  it("map HTTP 401/403 to AuthError and other statuses to TransportError", () => {
    expect(
      callError(new HttpStatusError(401, '{"detail":"Missing API key"}'), "plan_list"),
    ).toBeInstanceOf(AuthError);
    const forbidden = callError(
      new HttpStatusError(403, '{"detail":"Invalid API key"}'),
      "plan_list",
    );
    expect(forbidden).toBeInstanceOf(AuthError);
    expect(forbidden.status).toBe(403);
    const notFound = callError(new HttpStatusError(404, "Not Found"), "plan_list");
    expect(notFound).toBeInstanceOf(TransportError);
    expect(notFound.status).toBe(404);
    const wrongType = callError(new ContentTypeError("Unexpected content type: text/html"), "x");
    expect(wrongType).toBeInstanceOf(ProtocolError);
    expect(wrongType.code).toBe("WRONG_CONTENT_TYPE");
    const guard = callError(new HttpStatusError(421, "Invalid Host header"), "plan_list");
    expect(guard).toBeInstanceOf(TransportError);
    expect(guard.code).toBe("HOST_NOT_ALLOWED");
  });

  it("pass typed errors through and wrap anything else as INVALID_RESPONSE", () => {
    const typed = new AuthError("nope");
    expect(callError(typed, "plan_list")).toBe(typed);
    const other = callError(new Error("boom"), "plan_list");
    expect(isPlanExeError(other)).toBe(true);
    expect(other.code).toBe("INVALID_RESPONSE");
  });
});

describe("outputs", () => {
  it("drop nulls a Python server sends for optional fields", () => {
    expect(dropNulls({ a: null, b: [{ c: null, d: 1 }], e: { f: null } })).toEqual({
      b: [{ d: 1 }],
      e: {},
    });
    // Answers without a null are handed on as they are; one with a null is not mutated.
    const clean = { a: 1, b: [{ c: "x" }], d: { e: true } };
    expect(dropNulls(clean)).toBe(clean);
    const withNull = { a: null, b: { c: 1 }, d: [null, { e: null }] };
    const dropped = dropNulls(withNull) as Record<string, unknown>;
    expect(dropped).toEqual({ b: { c: 1 }, d: [null, {}] });
    expect(dropped.b).toBe(withNull.b);
    expect(withNull).toEqual({ a: null, b: { c: 1 }, d: [null, { e: null }] });
    const output = parseToolOutput("plan_create", PlanCreateOutputSchema, {
      structuredContent: { plan_id: PLAN_ID, created_at: "t", sse_url: null, deduplicated: null },
    });
    expect(output).toEqual({ plan_id: PLAN_ID, created_at: "t" });
  });

  it("fall back to the JSON text of content[0]", () => {
    const output = parseToolOutput("plan_create", PlanCreateOutputSchema, {
      content: [{ type: "text", text: JSON.stringify({ plan_id: PLAN_ID, created_at: "t" }) }],
    });
    expect(output.plan_id).toBe(PLAN_ID);
  });

  it("reject a shape that breaks the contract, naming the field and not its value", () => {
    const attempt = () =>
      parseToolOutput("plan_create", PlanCreateOutputSchema, {
        structuredContent: { plan_id: 42, created_at: KEY },
      });
    expect(attempt).toThrow(ProtocolError);
    try {
      attempt();
    } catch (error) {
      expect((error as ProtocolError).code).toBe("INVALID_RESPONSE");
      expect((error as Error).message).toContain("plan_id");
      expect((error as Error).message).not.toContain(KEY);
    }
    expect(() => parseToolOutput("plan_create", PlanCreateOutputSchema, {})).toThrow(
      /neither structuredContent/,
    );
  });
});
