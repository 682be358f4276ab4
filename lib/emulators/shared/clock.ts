// The emulators' own notion of time. It is structurally the same as the product's Clock, so a
// ManualClock from lib/clock fits, but the emulators never import the product to get it.
export interface EmulatorClock {
  nowMs(): number;
}

export const systemClock: EmulatorClock = { nowMs: () => Date.now() };
