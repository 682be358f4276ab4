/** What every emulator's `start…Emulator` returns. */
export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  /** The one line of JSON `thaw emulator <name>` prints: endpoint and credentials a client needs. */
  describe(): Record<string, unknown>;
  close(): Promise<void>;
}

/** Options shared by the emulators' command lines (`thaw emulator <name> --port 0 …`). */
export interface EmulatorFlags {
  port: number;
  host: string;
  timeScale: number;
  accessKeyId?: string;
  accessKeySecret?: string;
  instance?: string;
  region?: string;
  seed?: number;
  dataDir?: string;
}

/** Fixed, obviously-fake default credentials so local tools work without configuration. */
export const DEFAULT_ACCESS_KEY_ID = 'LTAI5tThawLocalDevKey';
export const DEFAULT_ACCESS_KEY_SECRET = 'thaw-local-dev-secret-not-for-production';
