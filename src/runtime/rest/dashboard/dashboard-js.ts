// The dashboard's script, served at /dashboard.js: polls the REST API at the
// refresh interval /config gives and redraws the overview, the TaskManagers,
// the jobs (progress, task states, a cancel button) and the selected job's
// tasks and exceptions. Plain browser JavaScript, no framework. (No template
// literals inside: this text is itself one.)

export const kDashboardJs: string = `'use strict';
(function () {
  var selectedJob = null;
  var refreshMs = 1000;
  var terminal = { FINISHED: 1, FAILED: 1, CANCELED: 1, SUSPENDED: 1 };

  function $(selector) { return document.querySelector(selector); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'class') node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }
  function getJson(path) {
    return fetch(path, { cache: 'no-store' }).then(function (response) {
      if (!response.ok) return response.json().then(function (body) {
        throw new Error((body.errors || [response.statusText]).join('; '));
      });
      return response.json();
    });
  }
  function bytes(n) {
    if (typeof n !== 'number') return '–';
    var units = ['B', 'KiB', 'MiB', 'GiB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return n.toFixed(i === 0 ? 0 : 1) + ' ' + units[i];
  }
  function duration(ms) {
    if (ms < 1000) return ms + ' ms';
    var s = ms / 1000;
    if (s < 60) return s.toFixed(1) + ' s';
    return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
  }
  function stateBadge(state) { return el('span', { class: 'state ' + state, text: state }); }
  function replaceRows(tbody, rows) {
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    rows.forEach(function (row) { tbody.appendChild(row); });
  }

  function renderOverview(o) {
    var cards = [
      ['TaskManagers', o.taskmanagers], ['Slots total', o['slots-total']], ['Slots available', o['slots-available']],
      ['Jobs running', o['jobs-running']], ['Jobs finished', o['jobs-finished']],
      ['Jobs cancelled', o['jobs-cancelled']], ['Jobs failed', o['jobs-failed']]
    ];
    var section = $('#overview');
    while (section.firstChild) section.removeChild(section.firstChild);
    cards.forEach(function (card) {
      section.appendChild(el('div', { class: 'card', 'data-overview': card[0] }, [
        el('div', { class: 'value', text: String(card[1]) }), el('div', { class: 'label', text: card[0] })
      ]));
    });
    $('#version').textContent = 'version ' + o['flink-version'];
  }

  function renderTaskManagers(body) {
    var sorted = body.taskmanagers.slice().sort(function (a, b) { return a.id < b.id ? -1 : a.id > b.id ? 1 : 0; });
    replaceRows($('#taskmanagers tbody'), sorted.map(function (tm) {
      var m = tm.metrics || {};
      var heap = typeof m.heapUsed === 'number' ? bytes(m.heapUsed) + (typeof m.heapMax === 'number' ? ' / ' + bytes(m.heapMax) : '') : '–';
      var load = typeof m.eventLoopUtilization === 'number'
        ? el('span', {}, [el('span', { class: 'load' }, [el('span', { style: 'width:' + Math.round(m.eventLoopUtilization * 100) + '%' })]),
            document.createTextNode(' ' + Math.round(m.eventLoopUtilization * 100) + '%')])
        : el('span', { class: 'muted', text: '–' });
      var beat = tm.timeSinceLastHeartbeat > 0 ? duration(Math.max(0, Date.now() - tm.timeSinceLastHeartbeat)) + ' ago' : '–';
      var logButton = el('button', { type: 'button', text: 'log' });
      logButton.addEventListener('click', function () { showLog(tm.id); });
      return el('tr', { 'data-tm': tm.id }, [
        el('td', {}, [el('code', { text: tm.id })]),
        el('td', { text: tm.freeSlots + ' / ' + tm.slotsNumber }),
        el('td', { text: heap }), el('td', {}, [load]), el('td', { text: beat }), el('td', {}, [logButton])
      ]);
    }));
  }

  function cancelJob(jid, button) {
    button.disabled = true;
    fetch('jobs/' + jid + '?mode=cancel', { method: 'PATCH' }).then(function (response) {
      if (!response.ok) button.disabled = false;
      refresh();
    });
  }

  function renderJobs(body) {
    if (selectedJob === null && body.jobs.length > 0) selectedJob = body.jobs[0].jid;
    replaceRows($('#jobs tbody'), body.jobs.map(function (job) {
      var t = job.tasks;
      var done = t.finished / Math.max(1, t.total) * 100;
      var running = (t.running + t.deploying) / Math.max(1, t.total) * 100;
      var bar = el('div', { class: 'bar', title: t.finished + ' of ' + t.total + ' tasks finished' }, [
        el('span', { class: 'running', style: 'width:' + (done + running) + '%' }),
        el('span', { style: 'width:' + done + '%' })
      ]);
      var counts = Object.keys(t).filter(function (k) { return k !== 'total' && t[k] > 0; })
        .map(function (k) { return t[k] + ' ' + k; }).join(', ');
      var cancel = el('button', { type: 'button', class: 'cancel', 'data-jid': job.jid, text: 'Cancel' });
      if (terminal[job.state] || job.state === 'CANCELLING') cancel.disabled = true;
      cancel.addEventListener('click', function (event) { event.stopPropagation(); cancelJob(job.jid, cancel); });
      var row = el('tr', { class: 'job' + (job.jid === selectedJob ? ' selected' : ''), 'data-jid': job.jid }, [
        el('td', { text: job.name }), el('td', {}, [el('code', { text: job.jid })]),
        el('td', { class: 'job-state' }, [stateBadge(job.state)]),
        el('td', {}, [bar]), el('td', { class: 'muted', text: counts }),
        el('td', { text: duration(job.duration) }), el('td', {}, [cancel])
      ]);
      row.addEventListener('click', function () { selectedJob = job.jid; refresh(); });
      return row;
    }));
  }

  function renderJobDetails(details, exceptions) {
    $('#job-details').hidden = false;
    $('#job-details-name').textContent = details.name + ' (' + details.state + ')';
    replaceRows($('#subtasks tbody'), details.subtasks.map(function (task) {
      return el('tr', {}, [
        el('td', { text: String(task.subtask) }), el('td', {}, [stateBadge(task.status)]),
        el('td', { text: String(task.attempt) }), el('td', {}, [el('code', { text: task['taskmanager-id'] || '–' })])
      ]);
    }));
    var box = $('#exceptions');
    while (box.firstChild) box.removeChild(box.firstChild);
    var entries = exceptions.exceptionHistory.entries;
    if (!exceptions['root-exception'] && entries.length === 0) box.appendChild(el('p', { class: 'muted', text: 'No exceptions.' }));
    if (exceptions['root-exception']) {
      box.appendChild(el('div', { class: 'exception' }, [el('strong', { text: 'Root cause' }), el('pre', { text: exceptions['root-exception'] })]));
    }
    entries.forEach(function (entry) {
      box.appendChild(el('div', { class: 'exception' }, [
        el('strong', { text: entry.exceptionName + ' in ' + entry.taskName }),
        el('span', { class: 'muted', text: ' ' + new Date(entry.timestamp).toLocaleTimeString() + (entry.taskManagerId ? ' on ' + entry.taskManagerId : '') }),
        el('pre', { text: entry.stacktrace })
      ]));
    });
  }

  function showLog(id) {
    fetch('taskmanagers/' + encodeURIComponent(id) + '/log?lines=200').then(function (r) { return r.text(); }).then(function (text) {
      $('#log-view').hidden = false;
      $('#log-name').textContent = id;
      $('#log').textContent = text || '(no log lines yet)';
    });
  }
  $('#log-close').addEventListener('click', function () { $('#log-view').hidden = true; });

  function refresh() {
    return Promise.all([getJson('overview'), getJson('taskmanagers'), getJson('jobs/overview')]).then(function (r) {
      renderOverview(r[0]);
      renderTaskManagers(r[1]);
      renderJobs(r[2]);
      $('#status').textContent = 'updated ' + new Date().toLocaleTimeString();
      $('#status').className = 'status';
      if (selectedJob === null) return;
      return Promise.all([getJson('jobs/' + selectedJob), getJson('jobs/' + selectedJob + '/exceptions')]).then(function (d) {
        renderJobDetails(d[0], d[1]);
      });
    }).catch(function (error) {
      $('#status').textContent = 'cannot reach the cluster: ' + error.message;
      $('#status').className = 'status error';
    });
  }

  function loop() { refresh().then(function () { setTimeout(loop, refreshMs); }); }
  getJson('config').then(function (c) { refreshMs = c['refresh-interval'] || refreshMs; }, function () {}).then(loop);
})();
`;
