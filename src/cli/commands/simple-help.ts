import { CONNECTION_HELP } from "../args/connection.js";

/** The help text of a command that takes a plan id and the connection options. */
export function planCommandHelp(usage: string, description: string, extra = ""): string {
  return `Usage: planexe-client ${usage}

${description}

Options:
${CONNECTION_HELP}
${extra}  --json             print the server's answer as JSON
  -h, --help         show this help
`;
}
