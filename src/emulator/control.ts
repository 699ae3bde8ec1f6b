import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { DeployOptions, DeployReport } from "./deploy.js";
import { EmulatorError } from "./emulator-error.js";

/** Path prefix of the emulator's control endpoint on the edge (loopback clients only). */
const CONTROL_PREFIX = "/__emulator/";

/** Body of `POST /__emulator/deploy`. */
const DeployRequestSchema = z.strictObject({
  mode: z.enum(["restart", "rolling"]),
  windowMs: z.number().int().min(0).max(3_600_000).optional(),
  graceMs: z.number().int().min(0).max(3_600_000).optional(),
  healthTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
});

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
/** Host names a loopback client reaches the edge by; any other `Host` is a rebound DNS name. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** The largest deploy request body read; more is answered 413. */
const MAX_BODY_BYTES = 16_384;

/** A body bigger than {@link MAX_BODY_BYTES}. */
class TooLarge extends Error {}

/**
 * Why a request to the control endpoint is refused, or `undefined`: the socket must
 * be loopback, `Host` a loopback name (a DNS-rebinding page sends its own name), and
 * an `Origin`, when sent, a loopback origin (a cross-site page's POST carries its own).
 */
function refusal(req: IncomingMessage): string | undefined {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? ""))
    return "The emulator control endpoint answers loopback clients only";
  const host = hostName(req.headers.host);
  if (host === undefined || !LOOPBACK_HOSTS.has(host))
    return "The emulator control endpoint answers only requests addressed to 127.0.0.1 or localhost";
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let name: string | undefined;
    try {
      name = new URL(origin).host;
    } catch {
      name = undefined;
    }
    if (!LOOPBACK_HOSTS.has(hostName(name) ?? ""))
      return "The emulator control endpoint refuses requests from web pages of other origins";
  }
  return undefined;
}

/** `host` without its port (`[::1]:8001` → `[::1]`), lower-cased. */
function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const match = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(host.trim().toLowerCase());
  return match?.[1];
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** The message and its causes' messages, for the control endpoint's answer. */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 4; ) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(": ");
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) throw new TooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new TooLarge();
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

/** Answers and closes the connection without reading the rest of the body. */
function refuseBody(res: ServerResponse, status: number, detail: string): void {
  res.setHeader("connection", "close");
  sendJson(res, status, { detail });
}

/**
 * The edge's control endpoint: `POST /__emulator/deploy` runs a deploy and answers
 * its {@link DeployReport} when it is done (409 while another runs), `GET
 * /__emulator/status` lists the replicas. Answers 403 to anything but loopback.
 */
export function createControlHandler(control: {
  deploy(options: DeployOptions): Promise<DeployReport>;
  status(): unknown;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (!path.startsWith(CONTROL_PREFIX)) return false;
    const refused = refusal(req);
    if (refused) {
      refuseBody(res, 403, refused);
      return true;
    }
    if (req.method === "GET" && path === `${CONTROL_PREFIX}status`) {
      req.resume();
      sendJson(res, 200, control.status());
      return true;
    }
    if (req.method === "POST" && path === `${CONTROL_PREFIX}deploy`) {
      // A form or text/plain POST is what a cross-site page can send without asking.
      const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
      if (type !== "application/json") {
        refuseBody(res, 415, "The deploy request must be Content-Type: application/json");
        return true;
      }
      readJson(req)
        .then((body) => {
          const parsed = DeployRequestSchema.safeParse(body);
          if (!parsed.success) {
            sendJson(res, 400, {
              detail: `Invalid deploy request: ${z.prettifyError(parsed.error)}`,
            });
            return;
          }
          return control.deploy(parsed.data as DeployOptions).then(
            (report) => sendJson(res, 200, report),
            (error: unknown) => {
              const busy = error instanceof EmulatorError && error.code === "DEPLOY_IN_PROGRESS";
              sendJson(res, busy ? 409 : 500, { detail: describe(error) });
            },
          );
        })
        .catch((error: unknown) =>
          error instanceof TooLarge
            ? refuseBody(res, 413, `The deploy request is larger than ${MAX_BODY_BYTES} bytes`)
            : sendJson(res, 400, { detail: "Body must be JSON" }),
        );
      return true;
    }
    req.resume();
    sendJson(res, 404, { detail: "Not Found" });
    return true;
  };
}
