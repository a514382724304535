// Every failure of a REST handler reaches the client as Flink's error body,
// `{ errors: [message] }`, with its status: 400 for a bad parameter, 404 for an
// unknown job, TaskExecutor or path, 503 while a component has no leader
// (LeaderGatewayRetriever), and 500 for anything else.

import { expect } from 'chai';

import type { DispatcherGateway } from '../../../src/runtime/gateways/dispatcher-gateway.js';
import type { ResourceManagerGateway } from '../../../src/runtime/gateways/resource-manager-gateway.js';
import { JobNotFoundError } from '../../../src/runtime/dispatcher/dispatcher-errors.js';
import { LeaderGatewayRetriever } from '../../../src/runtime/rest/leader-gateway-retriever.js';
import { createRestApp } from '../../../src/runtime/rest/rest-routes.js';
import type { RpcService } from '../../../src/rpc/rpc-service.js';
import type { LeaderRetrievalListener } from '../../../src/runtime/highavailability/leader-retrieval.js';
import { DispatcherGateway as DispatcherGatewayDefinition } from '../../../src/runtime/gateways/dispatcher-gateway.js';

async function errorOf(response: Response): Promise<{ status: number; errors: string[] }> {
  const body = (await response.json()) as { errors: string[] };
  return { status: response.status, errors: body.errors };
}

describe('REST errors become Flink error bodies', () => {
  const failingDispatcher = {
    requestExecutionGraphInfo: () => Promise.reject(new JobNotFoundError('Could not find Flink job (x).')),
    requestMultipleJobDetails: () => Promise.reject(new Error('the disk is on fire')),
  } as unknown as DispatcherGateway;

  it('404 for an unknown job, 500 for an unexpected failure, 400 for a bad parameter', async () => {
    const app = createRestApp({
      dispatcher: async () => failingDispatcher,
      resourceManager: async () => ({}) as ResourceManagerGateway,
      configuration: {},
      timeoutMs: 1_000,
    });
    expect(await errorOf(await app.request('/jobs/x'))).to.deep.equal({
      status: 404,
      errors: ['Could not find Flink job (x).'],
    });
    expect(await errorOf(await app.request('/jobs/overview'))).to.deep.equal({
      status: 500,
      errors: ['the disk is on fire'],
    });
    expect((await errorOf(await app.request('/taskmanagers/tm/log?lines=-1'))).status).to.equal(400);
    expect((await errorOf(await app.request('/jobs', { method: 'DELETE' }))).status).to.equal(404);
  });

  it('503 while there is no leader, and the leader’s gateway once there is one', async () => {
    let listener: LeaderRetrievalListener | undefined;
    const connected: string[] = [];
    const rpcService = {
      connectFenced: async (address: string, token: string) => {
        connected.push(`${address}#${token}`);
        return failingDispatcher;
      },
    } as unknown as RpcService;
    const retriever = new LeaderGatewayRetriever(
      rpcService,
      { start: (l) => (listener = l), stop: () => (listener = undefined) },
      DispatcherGatewayDefinition,
    ).start();
    const app = createRestApp({
      dispatcher: () => retriever.getFuture(),
      resourceManager: () => Promise.reject(new Error('unused')),
      configuration: {},
      timeoutMs: 1_000,
    });
    const before = await errorOf(await app.request('/jobs/x'));
    expect(before.status).to.equal(503);
    expect(before.errors[0]).to.match(/no leader of DispatcherGateway/);

    listener!.notifyLeaderAddress('node://dispatcher_0', 'session-1');
    expect((await app.request('/jobs/x')).status).to.equal(404);
    expect((await app.request('/jobs/y')).status).to.equal(404);
    listener!.notifyLeaderAddress('node://dispatcher_1', 'session-2');
    expect((await app.request('/jobs/x')).status).to.equal(404);
    expect(connected).to.deep.equal(['node://dispatcher_0#session-1', 'node://dispatcher_1#session-2']);

    retriever.stop();
    expect(listener).to.equal(undefined);
    expect((await app.request('/jobs/x')).status).to.equal(503);
  });
});
