import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createControlHandler } from "../../src/emulator/control.js";
import type { DeployReport } from "../../src/emulator/deploy.js";

let server: Server;
let port: number;
let deploys = 0;

beforeAll(async () => {
  const control = createControlHandler({
    deploy: async () => {
      deploys += 1;
      return {} as DeployReport;
    },
    status: () => ({ replicas: [] }),
  });
  server = createServer((req, res) => {
    if (!control(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A raw request (fetch cannot set Host), answered with its status. */
function send(
  headers: Record<string, string>,
  body = '{"mode":"restart"}',
  contentLength?: number,
) {
  return new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/__emulator/deploy",
        headers: { host: `127.0.0.1:${port}`, ...headers },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    if (contentLength !== undefined) {
      req.setHeader("content-length", contentLength);
      req.flushHeaders();
      return;
    }
    req.end(body);
  });
}

const JSON_TYPE = { "content-type": "application/json" };

describe("the emulator's control endpoint", () => {
  it("starts a deploy for a JSON POST from a loopback client addressed to loopback", async () => {
    const before = deploys;
    expect(await send(JSON_TYPE)).toBe(200);
    expect(
      await send({ ...JSON_TYPE, host: `localhost:${port}`, origin: `http://localhost:${port}` }),
    ).toBe(200);
    expect(deploys).toBe(before + 2);
  });

  it("refuses what a web page can send: text/plain, a foreign Origin, a rebound Host", async () => {
    const before = deploys;
    expect(await send({ "content-type": "text/plain", origin: "https://evil.example" })).toBe(403);
    expect(await send({ "content-type": "text/plain" })).toBe(415);
    expect(await send({ "content-type": "application/x-www-form-urlencoded" })).toBe(415);
    expect(await send({ ...JSON_TYPE, origin: "https://evil.example" })).toBe(403);
    expect(await send({ ...JSON_TYPE, origin: "null" })).toBe(403);
    expect(await send({ ...JSON_TYPE, host: `evil.example:${port}` })).toBe(403);
    expect(deploys).toBe(before);
  });

  it("answers 413 to a body over its cap, announced or streamed", async () => {
    expect(await send(JSON_TYPE, "", 50 * 1024 * 1024)).toBe(413);
    expect(
      await send(
        { ...JSON_TYPE, "transfer-encoding": "chunked" },
        `{"mode":"restart","x":"${"a".repeat(20_000)}"}`,
      ),
    ).toBe(413);
  });
});
