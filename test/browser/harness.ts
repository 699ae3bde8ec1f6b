// The browser tests' one harness: the built root entry bundled as a client author's
// bundler would, a static server on its own loopback origin (so every call to the
// emulator is cross-origin, with PlanExe's CORS), and the system's Chromium driven by
// playwright-core (nothing downloads a browser).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLE_DIR = join(ROOT, "examples", "browser");
/** Where screenshots go (gitignored). */
export const SCREENSHOTS = join(ROOT, "test", "browser", "screenshots");

/** `dist/index.js` (the package's root entry) bundled for the browser, as one ES module. */
async function bundleRootEntry(): Promise<string> {
  const entry = join(ROOT, "dist", "index.js");
  if (!existsSync(entry)) throw new Error("dist/ is missing: run `npm run build` first");
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

/** The page the tests drive: it loads the bundle and puts its exports on `window.sdk`. */
const TEST_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>planexe-client</title>
<script type="module">import * as sdk from "/planexe-client.js"; window.sdk = sdk;</script>
</head><body></body></html>`;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** A static server on `127.0.0.1:0`: `/` (the test page), `/planexe-client.js`, and `examples/browser/` under `/example/`. */
async function startPageServer(bundle: string) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/");
    let body: string | undefined;
    let type = TYPES[".html"];
    if (path === "/") body = TEST_PAGE;
    else if (path === "/planexe-client.js" || path === "/example/planexe-client.js") {
      body = bundle;
      type = TYPES[".js"];
    } else if (path.startsWith("/example/")) {
      const file = normalize(join(EXAMPLE_DIR, path.slice("/example/".length) || "index.html"));
      if (file.startsWith(EXAMPLE_DIR) && existsSync(file)) {
        body = readFileSync(file, "utf8");
        type = TYPES[extname(file)] ?? "application/octet-stream";
      }
    }
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
      return;
    }
    res.writeHead(200, { "content-type": type ?? "text/plain", "cache-control": "no-store" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The system's Chromium (`CHROMIUM_PATH`, else `chromium` on the PATH). */
function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given) return given;
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      const found = execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
      if (found) return found;
    } catch {}
  }
  throw new Error(
    "No Chromium found: install it (`apt-get install -y chromium`) or set CHROMIUM_PATH",
  );
}

/** Headless Chromium, launched from the system's binary. */
function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true });
}

/** What a page showed and sent: console lines, uncaught errors, and every request it made. */
export interface PageRecord {
  console: string[];
  errors: string[];
  requests: Array<{ method: string; url: string; headers: Record<string, string>; at: number }>;
  /** Responses as the network saw them (headers a script may not read included). */
  responses: Array<{
    method: string;
    url: string;
    status: number;
    headers: Record<string, string>;
    at: number;
  }>;
  /** Requests that got no response the page could read (refused, cut, or blocked by CORS). */
  failed: Array<{ method: string; url: string; error: string }>;
}

/** Opens `url` in a fresh context and records what the page logs and sends. */
export async function openPage(
  browser: Browser,
  url: string,
): Promise<{ page: Page; record: PageRecord }> {
  const context = await browser.newContext({ viewport: { width: 720, height: 480 } });
  const page = await context.newPage();
  const record: PageRecord = { console: [], errors: [], requests: [], responses: [], failed: [] };
  page.on("console", (message) => record.console.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => record.errors.push(`${error.name}: ${error.message}`));
  page.on("request", (request) =>
    record.requests.push({
      method: request.method(),
      url: request.url(),
      headers: request.headers(),
      at: Date.now(),
    }),
  );
  page.on("response", (response) =>
    record.responses.push({
      method: response.request().method(),
      url: response.url(),
      status: response.status(),
      headers: response.headers(),
      at: Date.now(),
    }),
  );
  page.on("requestfailed", (request) =>
    record.failed.push({
      method: request.method(),
      url: request.url(),
      error: request.failure()?.errorText ?? "",
    }),
  );
  await page.goto(url);
  return { page, record };
}

declare global {
  interface Window {
    /** The bundled root entry, as the test page loads it. */
    sdk: typeof import("../../src/index.js");
    /** Set by a test to tell a running page script to wind down. */
    stopNow?: boolean;
    /** What a running page script has done so far, for the test to poll. */
    progress?: number;
  }
}

/** Loads the test page (`/`) and waits for the bundle. */
export async function openSdkPage(browser: Browser, pageServerUrl: string) {
  const opened = await openPage(browser, `${pageServerUrl}/`);
  await opened.page.waitForFunction(() => "sdk" in window);
  return opened;
}

/** What a browser test file works with. */
export interface BrowserSuite {
  emulator: Emulator;
  pages: Awaited<ReturnType<typeof startPageServer>>;
  browser: Browser;
}

/** Starts the bundle's page server, `start()`'s emulator and Chromium before the file's tests; stops them after. */
export function useBrowserSuite(start: () => Promise<Emulator>): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    const [bundle, emulator] = await Promise.all([bundleRootEntry(), start()]);
    suite.emulator = emulator;
    suite.pages = await startPageServer(bundle);
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.pages?.close();
    await suite.emulator?.stop({ graceMs: 500 });
  });
  return suite;
}
