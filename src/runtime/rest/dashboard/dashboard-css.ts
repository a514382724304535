// The dashboard's style sheet, served at /dashboard.css.

export const kDashboardCss: string = `:root { --bg: #f6f7f9; --fg: #1d2330; --muted: #687083; --line: #dde1e8; --accent: #3b6fd8;
  --ok: #2e9d5b; --bad: #d0453b; --warn: #d99a1e; font-family: system-ui, sans-serif; }
body { margin: 0; background: var(--bg); color: var(--fg); }
header { display: flex; align-items: baseline; gap: 1rem; padding: .8rem 1.5rem; background: #1d2330; color: #fff; }
header h1 { margin: 0; font-size: 1.3rem; }
#version { color: #aab2c5; font-size: .85rem; }
.status { margin-left: auto; font-size: .85rem; color: #aab2c5; }
.status.error { color: #ff8a80; }
main { padding: 1rem 1.5rem; }
h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: .8rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .7rem .9rem; }
.card .value { font-size: 1.6rem; font-weight: 600; }
.card .label { color: var(--muted); font-size: .8rem; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
th, td { text-align: left; padding: .45rem .7rem; border-bottom: 1px solid var(--line); font-size: .88rem; }
th { color: var(--muted); font-weight: 500; background: #fafbfc; }
tr.job { cursor: pointer; }
tr.job.selected { background: #eef3ff; }
code, .mono { font-family: ui-monospace, monospace; font-size: .82rem; }
.state { display: inline-block; padding: .1rem .5rem; border-radius: 10px; font-size: .75rem; font-weight: 600; background: #e4e7ee; }
.state.RUNNING, .state.DEPLOYING, .state.SCHEDULED { background: #dbe6ff; color: #234fa8; }
.state.FINISHED { background: #d8f2e2; color: #1f7a45; }
.state.FAILED, .state.FAILING { background: #fadcd9; color: #a3281f; }
.state.CANCELED, .state.CANCELLING, .state.CANCELING { background: #fbecc9; color: #8a5d00; }
.bar { position: relative; width: 160px; height: 12px; background: #e4e7ee; border-radius: 6px; overflow: hidden; }
.bar > span { position: absolute; top: 0; bottom: 0; left: 0; background: var(--ok); }
.bar > span.running { background: var(--accent); opacity: .5; }
.load { display: inline-block; width: 60px; height: 8px; background: #e4e7ee; border-radius: 4px; vertical-align: middle; overflow: hidden; }
.load > span { display: block; height: 100%; background: var(--warn); }
button { font: inherit; font-size: .8rem; padding: .2rem .6rem; border-radius: 5px; border: 1px solid var(--line); background: #fff; cursor: pointer; }
button.cancel { border-color: var(--bad); color: var(--bad); }
button:disabled { opacity: .4; cursor: default; }
.exception { background: #fff; border: 1px solid var(--line); border-left: 3px solid var(--bad); padding: .5rem .8rem; margin: .5rem 0; }
.exception pre, #log { white-space: pre-wrap; font-size: .78rem; margin: .3rem 0 0; max-height: 300px; overflow: auto; }
.muted { color: var(--muted); }
`;
