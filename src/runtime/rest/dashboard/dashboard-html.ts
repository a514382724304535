// The dashboard's page, served at /. Plain HTML with its script and style
// beside it (dashboard.js, dashboard.css): no build step and no CDN, so it loads
// on a machine without internet. threadlink's own take on Flink's web UI.

export const kDashboardHtml: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>threadlink dashboard</title>
<link rel="stylesheet" href="dashboard.css">
</head>
<body>
<header>
  <h1>threadlink</h1>
  <span id="version"></span>
  <span id="status" class="status">connecting…</span>
</header>
<main>
  <section id="overview" class="cards" aria-label="Cluster overview"></section>
  <section>
    <h2>TaskManagers</h2>
    <table id="taskmanagers">
      <thead><tr><th>ID</th><th>Slots (free / total)</th><th>Heap</th><th>Event-loop load</th><th>Last heartbeat</th><th>Log</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section>
    <h2>Jobs</h2>
    <table id="jobs">
      <thead><tr><th>Name</th><th>Job ID</th><th>State</th><th>Progress</th><th>Tasks</th><th>Duration</th><th></th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section id="job-details" hidden>
    <h2>Job <span id="job-details-name"></span></h2>
    <table id="subtasks">
      <thead><tr><th>Task</th><th>State</th><th>Attempt</th><th>TaskManager</th></tr></thead>
      <tbody></tbody>
    </table>
    <h3>Exceptions</h3>
    <div id="exceptions"></div>
  </section>
  <section id="log-view" hidden>
    <h2>Log of <span id="log-name"></span> <button id="log-close" type="button">close</button></h2>
    <pre id="log"></pre>
  </section>
</main>
<script src="dashboard.js"></script>
</body>
</html>
`;
