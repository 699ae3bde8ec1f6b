/** Replaced by package.json's `version` when tsup builds (`define` in tsup.config.ts). */
declare const __PLANEXE_CLIENT_VERSION__: string | undefined;

/**
 * This package's version, from its package.json (inlined at build time, so no
 * bundle carries the package.json itself). Said in MCP `initialize` (`clientInfo`,
 * the local MCP server's `serverInfo`) and by `planexe-client --version`.
 * Run from source (not built), it is `"0.0.0-source"`.
 */
export const VERSION: string =
  typeof __PLANEXE_CLIENT_VERSION__ === "string" ? __PLANEXE_CLIENT_VERSION__ : "0.0.0-source";
