// Builds the API over the memory store and a scripted object store, for tests that call the app
// directly (no server), as Hono's tests do.
import { ManualClock } from '../../lib/clock';
import { createApi } from '../../lib/api/app';
import { type AuthSettings, sha256Hex } from '../../lib/api/auth';
import { silentLogger } from '../../lib/log';
import { parseAllowList } from '../../lib/policy/allow-list';
import { type CostLimits, CostPolicy, DEFAULT_LIMITS } from '../../lib/policy/cost-policy';
import { Coordinator } from '../../lib/restore/coordinator';
import { DEFAULT_TIMING } from '../../lib/restore/timing';
import { MemoryCounterStore, MemoryStateStore } from '../../lib/store/memory';
import { FakeObjectStore } from './fake-object-store';
import { T0 } from './records';

export const TOKEN = 'test-token-1234567890';

export function apiUnderTest(options: { limits?: Partial<CostLimits>; auth?: AuthSettings } = {}) {
  const clock = new ManualClock(T0);
  const store = new MemoryStateStore();
  const objects = new FakeObjectStore(clock);
  const counters = new MemoryCounterStore();
  const limits = { ...DEFAULT_LIMITS, allow: parseAllowList('thaw-test'), ...options.limits };
  const policy = new CostPolicy(limits, counters);
  const coordinator = new Coordinator({ store, objects, policy, clock, random: () => 0.5, sleep: async (ms) => clock.advance(ms) });
  const app = createApi({
    coordinator,
    store,
    policy,
    auth: options.auth ?? { mode: 'tokens', tokenSha256: [sha256Hex(TOKEN)] },
    timing: DEFAULT_TIMING,
    clock,
    log: silentLogger,
    counters,
    limits,
    defaults: { days: 1, tier: 'Standard' },
  });
  const call = (method: string, path: string, init: { body?: string; token?: string | null; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
    return app(new Request(`http://thaw.local${path}`, { method, headers, body: init.body }), { rawPath: path.split('?')[0] });
  };
  return { app, call, clock, store, objects, coordinator, counters };
}
