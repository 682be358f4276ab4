// How an emulator reports trouble it cannot answer to a client (a trigger's invocation failed, a
// request handler crashed). Structurally the product's Logger fits, but the emulators never import it.
export interface EmulatorLog {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentEmulatorLog: EmulatorLog = { warn: () => undefined, error: () => undefined };
