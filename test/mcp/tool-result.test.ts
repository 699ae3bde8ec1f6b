import { describe, expect, it } from "vitest";
import { jsonResult } from "../../src/mcp/tool-result.js";

// A key with the characters JSON escapes: its escaped spelling differs from the raw one.
const KEY = 'pex_tool"result\\key_0123';
const ESCAPED = JSON.stringify(KEY).slice(1, -1);

describe("a tool result handed to the model", () => {
  it("hides a JSON-escaped key in text and structuredContent, and keeps a signed download link", () => {
    const link = "https://mcp.planexe.org/download/report?token=signed-token-1234";
    const body = {
      message: `PlanExe said: invalid key "${ESCAPED}"`,
      [`echo ${ESCAPED}`]: KEY,
      download_url: link,
    };
    const result = jsonResult(body, [KEY]);
    const text = result.content[0]?.type === "text" ? result.content[0].text : "";
    const clean = result.structuredContent as Record<string, unknown>;
    const structured = JSON.stringify(clean);
    expect(ESCAPED).not.toBe(KEY);
    for (const shown of [text, structured]) {
      expect(shown).not.toContain(ESCAPED);
      expect(shown).not.toContain(JSON.stringify(ESCAPED).slice(1, -1));
      expect(shown).toContain("***");
    }
    expect(clean.message).toBe('PlanExe said: invalid key "***"');
    expect(clean["echo ***"]).toBe("***");
    expect(clean.download_url).toBe(link);
  });
});
