// The dashboard's three files, served by the HTTP function itself (so they ride in its zip, and
// no page ever loads from a CDN): the HTML shell, its stylesheet, and the browser code of
// client.ts. None of them holds data; every data call the page makes carries the token.
import { printable } from '../printable';
import { dashboardMain } from './client';
import { DASHBOARD_CSS } from './style';

export type DashboardFile = 'index.html' | 'dashboard.js' | 'dashboard.css';

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>oss-thaw</title>
<link rel="stylesheet" href="dashboard.css">
</head>
<body>
<header>
  <h1>oss-thaw</h1>
  <span id="status" role="status">Loading…</span>
  <button id="signout" type="button" hidden>Forget the token</button>
</header>
<main>
  <form id="signin" hidden>
    <label for="token">API token</label>
    <div class="signin-row"><input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required><button type="submit">Open</button></div>
    <p id="signin-error" role="alert"></p>
    <p class="note">The token is kept in this tab only (sessionStorage) and is gone when the tab closes.</p>
  </form>
  <div id="board" hidden>
    <section aria-labelledby="h-states">
      <h2 id="h-states">Records by state</h2>
      <div id="states" class="tiles"></div>
    </section>
    <section aria-labelledby="h-budgets">
      <h2 id="h-budgets">Budgets today</h2>
      <div id="budgets" class="cards"></div>
    </section>
    <section aria-labelledby="h-inflight">
      <h2 id="h-inflight">In flight: <span id="inflight-count"></span></h2>
      <p id="inflight-summary" class="note"></p>
      <div id="timeline" class="timeline"></div>
    </section>
    <section aria-labelledby="h-problems">
      <h2 id="h-problems">Latest failures, deferrals and refusals</h2>
      <div class="scroll">
        <table id="problems">
          <thead><tr><th>When</th><th>State</th><th>Object</th><th>Why</th><th>Attempts</th><th>Next try</th></tr></thead>
          <tbody id="problems-body"></tbody>
        </table>
      </div>
    </section>
  </div>
</main>
<script src="dashboard.js"></script>
</body>
</html>
`;

// `__name` neutralises the helper some TypeScript loaders (keepNames) insert into named functions.
// The page shows outside text (keys, reasons) through the CLI's own printable(): one rule for both.
const SCRIPT = `"use strict";
var __name = function (f) { return f; };
(${dashboardMain.toString()})(window, document.currentScript.src, ${printable.toString()});
`;

const FILES: Record<DashboardFile, { readonly type: string; readonly body: string }> = {
  'index.html': { type: 'text/html; charset=utf-8', body: HTML },
  'dashboard.js': { type: 'text/javascript; charset=utf-8', body: SCRIPT },
  'dashboard.css': { type: 'text/css; charset=utf-8', body: DASHBOARD_CSS },
};

export function dashboardFile(file: DashboardFile): Response {
  const { type, body } = FILES[file];
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': type,
      'cache-control': 'no-cache',
      // Only our own files, only our own API; the page cannot be framed.
      'content-security-policy':
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  });
}
