// Every route of the REST API and the dashboard, in one place, with the
// handler that serves it. Mirrors Flink's WebMonitorEndpoint.initializeHandlers:
// the paths and field names are Flink's. An error becomes `{ errors: [...] }`
// with its status (RestHandlerError, 404 for an unknown job or TaskExecutor).

import { Hono } from 'hono';
import { messageOf } from '../flink-error.js';
import { kDashboardCss } from './dashboard/dashboard-css.js';
import { kDashboardHtml } from './dashboard/dashboard-html.js';
import { kDashboardJs } from './dashboard/dashboard-js.js';
import { handleClusterOverview } from './handler/cluster-overview-handler.js';
import {
  handleClusterConfiguration,
  handleDashboardConfiguration,
} from './handler/configuration-handlers.js';
import { handleJobCancellation } from './handler/job-cancellation-handler.js';
import { handleJobDetails } from './handler/job-details-handler.js';
import { handleJobExceptions } from './handler/job-exceptions-handler.js';
import { handleJobIds, handleJobsOverview } from './handler/jobs-handlers.js';
import { handleJobManagerMetrics, handleTaskManagerMetrics } from './handler/metrics-handlers.js';
import { handleTaskManagerLog } from './handler/task-manager-log-handler.js';
import { handleTaskManagerDetails, handleTaskManagers } from './handler/task-managers-handler.js';
import { httpStatusOf } from './rest-errors.js';
import type { RestGateways } from './rest-gateways.js';
import {
  jobIdParameter,
  logLinesParameter,
  metricsFilterParameter,
  resourceIdParameter,
  terminationModeParameter,
} from './rest-parameters.js';

export function createRestApp(gateways: RestGateways): Hono {
  const app = new Hono();
  app.onError((error, c) => c.json({ errors: [messageOf(error)] }, httpStatusOf(error)));
  app.notFound((c) => c.json({ errors: [`Not found: ${c.req.method} ${c.req.path}`] }, 404));

  // The dashboard: three files, no build step, nothing from a CDN.
  const page = (body: string, type: string) => () =>
    new Response(body, { headers: { 'content-type': type, 'cache-control': 'no-cache' } });
  app.get('/', page(kDashboardHtml, 'text/html; charset=utf-8'));
  app.get('/index.html', page(kDashboardHtml, 'text/html; charset=utf-8'));
  app.get('/dashboard.js', page(kDashboardJs, 'text/javascript; charset=utf-8'));
  app.get('/dashboard.css', page(kDashboardCss, 'text/css; charset=utf-8'));

  app.get('/config', (c) => c.json(handleDashboardConfiguration()));
  app.get('/jobmanager/config', (c) => c.json(handleClusterConfiguration(gateways)));
  app.get('/overview', async (c) => c.json(await handleClusterOverview(gateways)));

  app.get('/taskmanagers', async (c) => c.json(await handleTaskManagers(gateways)));
  app.get('/taskmanagers/:id', async (c) =>
    c.json(await handleTaskManagerDetails(gateways, resourceIdParameter(c.req.param('id')))),
  );
  app.get('/taskmanagers/:id/log', async (c) => {
    const id = resourceIdParameter(c.req.param('id'));
    const lines = logLinesParameter(c.req.query('lines'));
    return c.text(await handleTaskManagerLog(gateways, id, lines));
  });

  app.get('/taskmanagers/:id/metrics', async (c) => {
    const id = resourceIdParameter(c.req.param('id'));
    return c.json(await handleTaskManagerMetrics(gateways, id, metricsFilterParameter(c.req.query('get'))));
  });
  app.get('/jobmanager/metrics', async (c) =>
    c.json(await handleJobManagerMetrics(gateways, metricsFilterParameter(c.req.query('get')))),
  );

  app.get('/jobs', async (c) => c.json(await handleJobIds(gateways)));
  app.get('/jobs/overview', async (c) => c.json(await handleJobsOverview(gateways)));
  app.get('/jobs/:id', async (c) =>
    c.json(await handleJobDetails(gateways, jobIdParameter(c.req.param('id')))),
  );
  app.get('/jobs/:id/exceptions', async (c) =>
    c.json(await handleJobExceptions(gateways, jobIdParameter(c.req.param('id')))),
  );
  app.patch('/jobs/:id', async (c) => {
    const jobId = jobIdParameter(c.req.param('id'));
    terminationModeParameter(c.req.query('mode'));
    await handleJobCancellation(gateways, jobId);
    return c.json({}, 202);
  });
  return app;
}
