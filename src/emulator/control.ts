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
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16_384) throw new Error("body too large");
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
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
    if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) {
      req.resume();
      sendJson(res, 403, { detail: "The emulator control endpoint answers loopback clients only" });
      return true;
    }
    if (req.method === "GET" && path === `${CONTROL_PREFIX}status`) {
      req.resume();
      sendJson(res, 200, control.status());
      return true;
    }
    if (req.method === "POST" && path === `${CONTROL_PREFIX}deploy`) {
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
        .catch(() => sendJson(res, 400, { detail: "Body must be JSON" }));
      return true;
    }
    req.resume();
    sendJson(res, 404, { detail: "Not Found" });
    return true;
  };
}
