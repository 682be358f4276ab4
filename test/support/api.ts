// Builds the API over the memory store and a scripted object store, for tests that call the app
// directly (no server), as Hono's tests do.
import { ManualClock } from '../../lib/clock';
import { createApi } from '../../lib/api/app';
import type { AuthSettings } from '../../lib/api/auth';
import { tokenDigest } from '../../lib/api/tokens';
import { type Logger, silentLogger } from '../../lib/log';
import { parseAllowList } from '../../lib/policy/allow-list';
import { type CostLimits, CostPolicy, DEFAULT_LIMITS } from '../../lib/policy/cost-policy';
import { Coordinator } from '../../lib/restore/coordinator';
import { DEFAULT_TIMING } from '../../lib/restore/timing';
import { MemoryCounterStore, MemoryStateStore } from '../../lib/store/memory';
import { FakeObjectStore } from './fake-object-store';
import { T0 } from './records';

/** Tokens of the shape `thaw token new` makes (fixed, so tests read the same every run): every scope, read only, restore only. */
export const TOKEN = 'thaw_testall1_7Qw2Rz9Yx4Vb6Nm8Kj3Hg5Fd1Sa0PoIuYtReWqAzXcV';
export const READ_TOKEN = 'thaw_testread_3Lk9Jh7Gf5Ds2Aq8Wz1Xe4Rc6Tv0By3Nu5Mi7Ko9Pl2';
export const RESTORE_TOKEN = 'thaw_testrest_9Zx8Cv7Bn6Ma5Sd4Fg3Hj2Kl1Qw0Er9Ty8Ui7Op6Asd';

export const TEST_AUTH: AuthSettings = {
  tokens: [
    { id: 'testall1', scopes: ['read', 'restore'], sha256: tokenDigest(TOKEN) },
    { id: 'testread', scopes: ['read'], sha256: tokenDigest(READ_TOKEN) },
    { id: 'testrest', scopes: ['restore'], sha256: tokenDigest(RESTORE_TOKEN) },
  ],
  anonymous: false,
};

export function apiUnderTest(options: { limits?: Partial<CostLimits>; auth?: AuthSettings; log?: Logger } = {}) {
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
    auth: options.auth ?? TEST_AUTH,
    timing: DEFAULT_TIMING,
    clock,
    log: options.log ?? silentLogger,
    counters,
    limits,
    defaults: { days: 1, tier: 'Standard' },
  });
  const call = (method: string, path: string, init: { body?: string; token?: string | null; headers?: Record<string, string> } = {}) => {
    // A body is JSON, as every client of the API sends it, unless a test says otherwise.
    const headers: Record<string, string> = { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers };
    if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
    return app(new Request(`http://thaw.local${path}`, { method, headers, body: init.body }), { rawPath: path.split('?')[0] });
  };
  return { app, call, clock, store, objects, coordinator, counters };
}
