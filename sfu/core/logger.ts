// The logging surface the SFU needs; pino's Logger satisfies it.
export interface SfuLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): SfuLogger;
}
