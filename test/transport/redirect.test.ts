import { afterEach, describe, expect, it } from "vitest";
import { TransportError } from "../../src/errors/index.js";
import { createResilientFetch } from "../../src/transport/index.js";
import { rpc, rpcInit } from "./helpers.js";
import { sendJson, startServer } from "./local-server.js";

const KEY = "pex_redirect_key_0123456789";
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** `home` redirects /away to `other` (another origin: another port) and /moved to /mcp on itself. */
async function twoOrigins(status = 302) {
  const other = await startServer((_req, res) => sendJson(res, { where: "other" }));
  const home = await startServer((req, res) => {
    if (req.url === "/away") {
      res.writeHead(status, { location: `${other.url}/steal` });
      return res.end();
    }
    if (req.url === "/moved") {
      res.writeHead(307, { location: "/mcp" });
      return res.end();
    }
    if (req.url === "/loop") {
      res.writeHead(302, { location: "/loop" });
      return res.end();
    }
    sendJson(res, { where: "home" });
  });
  closers.push(home.close, other.close);
  return { home, other };
}

const withKey = { headers: { "x-api-key": KEY, authorization: `Bearer ${KEY}` } };
/** Every header PlanExe reads a key from (its middleware's list). */
const KEY_HEADER_NAMES = ["authorization", "x-api-key", "api-key", "api_key", "x_api_key"];

describe("redirects", () => {
  it("Node's own fetch carries X-API-Key to another origin (why the wrapper follows redirects itself)", async () => {
    const { home, other } = await twoOrigins();
    await (await fetch(`${home.url}/away`, withKey)).text();
    expect(other.received[0]?.headers["x-api-key"]).toBe(KEY);
  });

  it("a cross-origin redirect fails with CROSS_ORIGIN_REDIRECT and the other origin receives nothing", async () => {
    const { home, other } = await twoOrigins();
    const error = await createResilientFetch()(`${home.url}/away`, withKey).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe("CROSS_ORIGIN_REDIRECT");
    expect((error as TransportError).message).not.toContain(KEY);
    expect(other.received).toHaveLength(0);
    expect(home.count("/away")).toBe(1);
  });

  it("with followCrossOriginRedirects it is followed without the key", async () => {
    const { home, other } = await twoOrigins(307);
    const response = await createResilientFetch({ followCrossOriginRedirects: true })(
      `${home.url}/away`,
      withKey,
    );
    expect(await response.json()).toEqual({ where: "other" });
    expect(other.received[0]?.headers["x-api-key"]).toBeUndefined();
    expect(other.received[0]?.headers.authorization).toBeUndefined();
  });

  it("followed cross-origin, it drops the key from every header PlanExe reads one from", async () => {
    const { home, other } = await twoOrigins(307);
    const headers = Object.fromEntries(KEY_HEADER_NAMES.map((name) => [name, KEY]));
    await (
      await createResilientFetch({ followCrossOriginRedirects: true })(`${home.url}/away`, {
        headers,
      })
    ).text();
    expect(other.received).toHaveLength(1);
    expect(JSON.stringify(other.received[0]?.headers)).not.toContain(KEY);
  });

  it("a same-origin 307 is followed with the key, the method and the body", async () => {
    const { home } = await twoOrigins();
    const body = rpc("tools/list");
    const response = await createResilientFetch()(
      `${home.url}/moved`,
      rpcInit(body, { "x-api-key": KEY }),
    );
    expect(await response.json()).toEqual({ where: "home" });
    const followed = home.received.find((r) => r.path === "/mcp");
    expect(followed).toMatchObject({ method: "POST", body });
    expect(followed?.headers["x-api-key"]).toBe(KEY);
  });

  it("stops after 5 redirects", async () => {
    const { home } = await twoOrigins();
    const error = await createResilientFetch()(`${home.url}/loop`).catch((e: unknown) => e);
    expect((error as TransportError).code).toBe("HTTP_ERROR");
    expect(home.count("/loop")).toBe(6);
  });

  it('redirect: "manual" (what the MCP SDK passes) gets the redirect response itself', async () => {
    const { home, other } = await twoOrigins();
    const response = await createResilientFetch()(`${home.url}/away`, {
      ...withKey,
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    expect(other.received).toHaveLength(0);
  });
});
