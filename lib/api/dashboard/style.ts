// The dashboard's stylesheet: one column on a phone, a grid on a laptop; system fonts only.
export const DASHBOARD_CSS = `
:root {
  --bg: #f6f7f9; --panel: #fff; --ink: #1d232b; --muted: #5d6875; --line: #dde2e8;
  --blue: #2f6fde; --green: #1f8a4c; --amber: #b7791f; --red: #c53030; --grey: #8a94a0;
  color-scheme: light;
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 12px 20px; background: var(--panel); border-bottom: 1px solid var(--line); }
header h1 { margin: 0; font-size: 20px; }
#status { color: var(--muted); font-size: 13px; flex: 1 1 auto; }
#status.error { color: var(--red); }
button { font: inherit; padding: 6px 14px; border: 1px solid var(--blue); border-radius: 6px; background: var(--blue); color: #fff; cursor: pointer; }
#signout { background: transparent; color: var(--blue); }
main { max-width: 1200px; margin: 0 auto; padding: 16px 20px 40px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin-bottom: 16px; }
h2 { margin: 0 0 10px; font-size: 16px; }
h3 { margin: 0 0 8px; font-size: 14px; word-break: break-all; }
.note, .empty { color: var(--muted); font-size: 13px; margin: 6px 0; }
form#signin { max-width: 420px; margin: 40px auto; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 20px; }
form#signin label { display: block; font-weight: 600; margin-bottom: 6px; }
.signin-row { display: flex; gap: 8px; }
.signin-row input { flex: 1; min-width: 0; font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; }
#signin-error { color: var(--red); min-height: 1em; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 8px; }
.tile { border: 1px solid var(--line); border-left: 5px solid var(--grey); border-radius: 6px; padding: 8px 10px; display: flex; flex-direction: column; }
.tile .count { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .label { font-size: 12px; color: var(--muted); letter-spacing: 0.02em; }
.tile.zero .count { color: var(--grey); }
.state-claimed, .state-restoring { border-left-color: var(--blue); }
.state-restored { border-left-color: var(--green); }
.state-deferred { border-left-color: var(--amber); }
.state-failed, .state-refused { border-left-color: var(--red); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; }
.cards .note { grid-column: 1 / -1; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.gauge { margin: 6px 0 10px; }
.gauge-text { display: flex; justify-content: space-between; gap: 8px; font-size: 13px; }
.gauge-text .value { font-variant-numeric: tabular-nums; color: var(--muted); }
.track { height: 10px; border-radius: 5px; background: #e9edf2; overflow: hidden; margin-top: 3px; }
.fill { height: 100%; background: var(--green); }
.fill.mid { background: var(--amber); }
.fill.high { background: var(--red); }
.timeline .rows { position: relative; }
.timeline .row { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 10px; align-items: center; padding: 2px 0; border-bottom: 1px dashed #eef1f4; }
.lane-label { display: flex; flex-direction: column; min-width: 0; font-size: 12px; }
.lane-label .key { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.lane-label .eta { color: var(--muted); }
.lane { position: relative; height: 12px; background: #f1f4f7; border-radius: 3px; }
.bar { position: absolute; top: 0; bottom: 0; background: var(--blue); border-radius: 3px; opacity: 0.85; }
.bar.late { background: var(--amber); }
.now-layer { position: absolute; top: 0; bottom: 0; right: 0; left: calc(40% + 6px); pointer-events: none; }
.now { position: absolute; top: 0; bottom: 0; width: 2px; background: var(--red); }
.axis { display: flex; justify-content: space-between; font-size: 11px; color: var(--muted); margin-left: calc(40% + 6px); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.key { word-break: break-all; min-width: 180px; }
td.when { white-space: nowrap; }
td.num { text-align: right; }
tr.state-failed td:nth-child(2), tr.state-refused td:nth-child(2) { color: var(--red); font-weight: 600; }
tr.state-deferred td:nth-child(2) { color: var(--amber); font-weight: 600; }
@media (max-width: 640px) {
  main { padding: 10px; }
  section { padding: 12px; }
  .timeline .row { grid-template-columns: 1fr; }
  .now-layer, .axis { display: none; }
  .tile .count { font-size: 20px; }
  /* The problems table, one card per row: state and when, the object, the reason, then attempts
     and next try. Six columns side by side were 900 px wide, the reasons off screen. The header
     row stays for screen readers only. */
  #problems thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  #problems, #problems tbody { display: block; }
  #problems tr {
    display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 2px 12px; padding: 8px 0; border-bottom: 1px solid var(--line);
    grid-template-areas: "state when" "key key" "why why" "attempts next";
  }
  #problems td { display: block; min-width: 0; padding: 0; border: 0; overflow-wrap: anywhere; }
  #problems td:nth-child(1) { grid-area: when; }
  #problems td:nth-child(1), #problems td:nth-child(6) { white-space: normal; text-align: right; }
  #problems td:nth-child(2) { grid-area: state; }
  #problems td:nth-child(3) { grid-area: key; }
  #problems td:nth-child(4) { grid-area: why; }
  #problems td:nth-child(5) { grid-area: attempts; text-align: left; }
  #problems td:nth-child(6) { grid-area: next; }
  #problems td:nth-child(1), #problems td:nth-child(5), #problems td:nth-child(6) { color: var(--muted); font-size: 12px; }
  #problems td:nth-child(5)::before { content: "attempts "; }
  #problems td:nth-child(6)::before { content: "next try "; }
  #problems td.empty { grid-area: auto / 1 / auto / -1; }
}
`;
