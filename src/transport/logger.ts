/** Where the SDK writes one line per notable event (a retry, an outage, a recovery); any `console`-like object works. Lines carry no secrets. */
export interface Logger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
}
