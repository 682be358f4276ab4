// The dashboard's browser code. It is served as this function's own source text
// (dashboardMain.toString(), see files.ts), so it must not reference anything outside itself:
// no imports, no module-level values. That keeps it type-checked and linted with the rest while
// the HTTP function serves it from its bundle, with no build step and no CDN.
//
// It reads the API with the token the operator typed once (kept in sessionStorage: this tab,
// until it closes), redraws every REFRESH_MS, and never writes anything.

/** The few browser APIs the page uses, declared here rather than pulling the DOM types into the Node program. */
export interface PageNode {
  textContent: string | null;
  append(...nodes: (PageNode | string)[]): void;
  replaceChildren(...nodes: (PageNode | string)[]): void;
}
export interface PageElement extends PageNode {
  className: string;
  hidden: boolean;
  value: string;
  title: string;
  readonly style: { setProperty(name: string, value: string): void };
  setAttribute(name: string, value: string): void;
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void;
  focus(): void;
}
interface PageResponse {
  readonly status: number;
  readonly ok: boolean;
  json(): Promise<unknown>;
}
export interface PageWindow {
  readonly document: {
    createElement(tag: string): PageElement;
    getElementById(id: string): PageElement | null;
    readonly visibilityState: string;
    addEventListener(type: string, listener: () => void): void;
  };
  readonly sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void };
  fetch(url: string, init: { headers: Record<string, string> }): Promise<PageResponse>;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(handle: number): void;
}

/**
 * `show` is lib/api/printable.ts's printable(), handed in as source text (files.ts): every string
 * the page puts on screen goes through it, so a key's control and bidi characters show as their
 * escapes (\u202e) instead of reordering or hiding what the operator reads.
 */
export function dashboardMain(win: PageWindow, scriptUrl: string, show: (text: string) => string): void {
  const REFRESH_MS = 10_000;
  const TOKEN_KEY = 'oss-thaw.token';
  const IN_FLIGHT_SHOWN = 50;
  const PROBLEMS_PER_STATE = 20;
  // The API lives beside this script, whatever path the function is served under.
  const base = new URL('.', scriptUrl);
  const doc = win.document;
  const byId = (id: string): PageElement => {
    const el = doc.getElementById(id);
    if (!el) throw new Error(`the page has no #${id}`);
    return el;
  };
  const el = (tag: string, className?: string, ...children: (PageNode | string)[]): PageElement => {
    const e = doc.createElement(tag);
    if (className) e.className = className;
    e.append(...children.map((c) => (typeof c === 'string' ? show(c) : c)));
    return e;
  };

  const STATES: [string, string][] = [
    ['CLAIMED', 'a worker holds the object and is about to HEAD / restore it'],
    ['RESTORING', 'OSS accepted the restore; readable at its ETA'],
    ['RESTORED', 'readable until its expiry'],
    ['FROZEN', 'the restored copy expired; a new failed read starts the next restore'],
    ['DEFERRED', 'the daily budget or the rate limit said "not now"; a read after retryAt asks again'],
    ['FAILED', 'OSS or Tablestore kept failing; retried at retryAt'],
    ['REFUSED', 'the policy will not restore it as asked (size, tier, key)'],
    ['NOT_ARCHIVED', 'Standard or IA: read it directly'],
    ['NOT_FOUND', 'no such object or version'],
  ];
  const REASONS: Record<string, string> = {
    'daily-restore-budget': 'daily restore budget spent (THAW_DAILY_RESTORES)',
    'daily-byte-budget': 'daily byte budget spent (THAW_DAILY_BYTES)',
    'daily-byte-day-budget': 'daily budget of temporary copies spent (THAW_DAILY_BYTE_DAYS)',
    'rate-limit': 'rate limit (THAW_RESTORES_PER_SECOND)',
    'object-too-large': 'larger than THAW_MAX_OBJECT_BYTES',
    'tier-not-allowed': 'no tier as slow as THAW_MAX_TIER',
    'unaddressable-key': 'key has a "." or ".." segment',
    Transient: 'OSS or Tablestore unavailable; retried with backoff',
    AccessDenied: 'credentials or RAM policy refused; check the role',
    MalformedRequest: 'a request OSS or Tablestore refused: a bug, see the logs',
  };

  type Json = any;
  let timer: number | undefined;

  const number = (n: number) => n.toLocaleString('en-US');
  const bytes = (n: number) => {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let v = n;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
  };
  const time = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : '–');
  const duration = (ms: number) => {
    const s = Math.round(Math.abs(ms) / 1000);
    const text = s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86_400).toFixed(1)} d`;
    return ms < 0 ? `${text} ago` : `in ${text}`;
  };

  async function get(path: string, token: string): Promise<Json> {
    const res = await win.fetch(new URL(path, base).toString(), { headers: { authorization: `Bearer ${token}` } });
    if (res.status === 401) throw Object.assign(new Error('the token was refused'), { unauthorized: 'The API refused that token.' });
    // A token without the read scope (a restore-only one) cannot show anything here.
    if (res.status === 403) {
      throw Object.assign(new Error('the token may not read'), {
        unauthorized: 'That token may not read (it needs the read scope: thaw token new --scope read).',
      });
    }
    if (!res.ok) throw new Error(`the API answered ${res.status}`);
    return res.json();
  }

  function showSignIn(message: string): void {
    if (timer !== undefined) win.clearTimeout(timer);
    byId('board').hidden = true;
    byId('signout').hidden = true;
    byId('signin').hidden = false;
    byId('signin-error').textContent = message;
    byId('status').textContent = 'Not signed in';
    byId('token').focus();
  }

  function renderStates(usage: Json): void {
    const capped = new Set<string>(usage.statesCapped);
    byId('states').replaceChildren(
      ...STATES.map(([state, meaning]) => {
        const n = usage.states[state] ?? 0;
        const tile = el(
          'div',
          `tile state-${state.toLowerCase()}${n === 0 ? ' zero' : ''}`,
          el('span', 'count', `${capped.has(state) ? '≥ ' : ''}${number(n)}`),
          el('span', 'label', state),
        );
        tile.title = meaning;
        tile.setAttribute('data-state', state);
        return tile;
      }),
    );
  }

  function gauge(label: string, used: number, limit: number, format: (n: number) => string): PageElement {
    const fraction = limit > 0 ? Math.min(1, used / limit) : 1;
    const bar = el('div', `fill${fraction >= 0.9 ? ' high' : fraction >= 0.6 ? ' mid' : ''}`);
    bar.style.setProperty('width', `${(fraction * 100).toFixed(1)}%`);
    const track = el('div', 'track', bar);
    track.setAttribute('role', 'meter');
    track.setAttribute('aria-valuenow', String(used));
    track.setAttribute('aria-valuemax', String(limit));
    track.setAttribute('aria-label', label);
    return el('div', 'gauge', el('div', 'gauge-text', el('span', '', label), el('span', 'value', `${format(used)} / ${format(limit)}`)), track);
  }

  function renderBudgets(usage: Json): void {
    const rate = usage.rateLimit;
    const cards = usage.buckets.map((b: Json) =>
      el(
        'div',
        'card',
        el('h3', '', b.bucket),
        gauge('restores today', b.restoresToday, usage.limits.dailyRestores, number),
        gauge('bytes today', b.bytesToday, usage.limits.dailyBytes, bytes),
      ),
    );
    const rateCard = el('div', 'card', el('h3', '', 'all buckets'), gauge('restores this second', rate.thisSecond, rate.restoresPerSecond, number));
    byId('budgets').replaceChildren(
      ...(cards.length ? cards : [el('p', 'empty', 'No bucket has spent anything today.')]),
      rateCard,
      el('p', 'note', `Budgets are per bucket per UTC day (${usage.day}); they start again at ${time(usage.resetsAt)}.`),
    );
  }

  function renderInFlight(usage: Json, page: Json): void {
    const total = (usage.states.RESTORING ?? 0) + (usage.states.CLAIMED ?? 0);
    const nowMs = Date.parse(usage.at);
    const records: Json[] = page.records.filter((r: Json) => r.etaAt);
    const late = records.filter((r) => Date.parse(r.etaAt) <= nowMs).length;
    byId('inflight-count').textContent = `${number(total)} in flight`;
    byId('inflight-summary').textContent = total
      ? `${number(usage.states.RESTORING ?? 0)} restoring, ${number(usage.states.CLAIMED ?? 0)} being claimed. Soonest ${number(records.length)} by ETA shown${late ? `; ${late} past their ETA (the sweeper checks them)` : ''}.`
      : 'Nothing is being restored right now.';
    if (records.length === 0) {
      byId('timeline').replaceChildren();
      return;
    }
    const starts = records.map((r) => Date.parse(r.requestedAt ?? r.etaAt));
    const ends = records.map((r) => Date.parse(r.etaAt));
    const from = Math.min(nowMs, ...starts);
    const to = Math.max(nowMs + 1, ...ends);
    const at = (ms: number) => `${(((ms - from) / (to - from)) * 100).toFixed(2)}%`;
    const rows = records.map((r, i) => {
      const bar = el('div', `bar${ends[i]! <= nowMs ? ' late' : ''}`);
      bar.style.setProperty('left', at(starts[i]!));
      bar.style.setProperty('width', `max(2px, calc(${at(ends[i]!)} - ${at(starts[i]!)}))`);
      const lane = el('div', 'lane', bar);
      const label = el(
        'div',
        'lane-label',
        el('span', 'key', `${r.bucket}/${r.key}`),
        el('span', 'eta', `${r.storageClass ?? ''}${r.tier ? ` ${r.tier}` : ''} · ETA ${duration(ends[i]! - nowMs)}`),
      );
      label.title = show(`${r.bucket}/${r.key}: requested ${time(r.requestedAt)}, ETA ${time(r.etaAt)}`);
      return el('div', 'row', label, lane);
    });
    const now = el('div', 'now');
    now.style.setProperty('left', at(nowMs));
    now.title = `now: ${time(usage.at)}`;
    const axis = el('div', 'axis', el('span', '', time(new Date(from).toISOString())), el('span', '', time(new Date(to).toISOString())));
    byId('timeline').replaceChildren(el('div', 'rows', ...rows, el('div', 'now-layer', now)), axis);
  }

  function renderProblems(pages: Json[]): void {
    const records = pages.flatMap((p) => p.records).sort((a: Json, b: Json) => (a.updatedAt < b.updatedAt ? 1 : -1));
    const body = byId('problems-body');
    if (records.length === 0) {
      body.replaceChildren(el('tr', '', el('td', 'empty', 'No failures, deferrals or refusals.')));
      return;
    }
    body.replaceChildren(
      ...records.map((r: Json) => {
        const why = r.reason ?? r.lastError?.code ?? '';
        const next = r.retryAt ? time(r.retryAt) : '–';
        const row = el(
          'tr',
          `state-${String(r.state).toLowerCase()}`,
          el('td', 'when', time(r.updatedAt)),
          el('td', '', r.state),
          el('td', 'key', `${r.bucket}/${r.key}${r.versionId ? `?versionId=${r.versionId}` : ''}`),
          el('td', '', REASONS[why] ? `${why}: ${REASONS[why]}` : why),
          el('td', 'num', String(r.attempts)),
          el('td', 'when', next),
        );
        return row;
      }),
    );
  }

  async function refresh(): Promise<void> {
    const token = win.sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
      showSignIn('');
      return;
    }
    if (timer !== undefined) win.clearTimeout(timer);
    try {
      const [usage, inFlight, failed, deferred, refused] = await Promise.all([
        get('v1/usage', token),
        get(`v1/restores?state=RESTORING&order=eta&limit=${IN_FLIGHT_SHOWN}`, token),
        get(`v1/restores?state=FAILED&order=newest&limit=${PROBLEMS_PER_STATE}`, token),
        get(`v1/restores?state=DEFERRED&order=newest&limit=${PROBLEMS_PER_STATE}`, token),
        get(`v1/restores?state=REFUSED&order=newest&limit=${PROBLEMS_PER_STATE}`, token),
      ]);
      byId('signin').hidden = true;
      byId('board').hidden = false;
      byId('signout').hidden = false;
      renderStates(usage);
      renderBudgets(usage);
      renderInFlight(usage, inFlight);
      renderProblems([failed, deferred, refused]);
      byId('status').textContent = `Updated ${time(usage.at)} · refreshes every ${REFRESH_MS / 1000} s`;
      byId('status').className = 'ok';
    } catch (err) {
      const refused = (err as { unauthorized?: string }).unauthorized;
      if (refused) {
        win.sessionStorage.removeItem(TOKEN_KEY);
        showSignIn(refused);
        return;
      }
      byId('status').textContent = show(`Could not refresh (${(err as Error).message}); trying again in ${REFRESH_MS / 1000} s`);
      byId('status').className = 'error';
    }
    timer = win.setTimeout(() => void refresh(), REFRESH_MS);
  }

  byId('signin').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = byId('token').value.trim();
    if (!token) return;
    win.sessionStorage.setItem(TOKEN_KEY, token);
    byId('token').value = '';
    void refresh();
  });
  byId('signout').addEventListener('click', () => {
    win.sessionStorage.removeItem(TOKEN_KEY);
    showSignIn('');
  });
  // A tab that comes back to the front refreshes at once rather than at the next tick.
  doc.addEventListener('visibilitychange', () => {
    if (doc.visibilityState === 'visible' && win.sessionStorage.getItem(TOKEN_KEY)) void refresh();
  });
  void refresh();
}
