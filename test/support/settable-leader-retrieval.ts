// A leader retrieval service the test drives by hand, after Flink's
// SettableLeaderRetrievalService: `notifyListener(address, sessionId)` announces
// a leader, and a listener that starts late hears the last one.

import type {
  LeaderRetrievalListener,
  LeaderRetrievalService,
} from '../../src/runtime/highavailability/leader-retrieval.js';

export class SettableLeaderRetrievalService implements LeaderRetrievalService {
  private listener: LeaderRetrievalListener | undefined;
  private leader: [string | null, string | null] = [null, null];
  started = false;
  stopped = false;

  constructor(address: string | null = null, sessionId: string | null = null) {
    this.leader = [address, sessionId];
  }

  start(listener: LeaderRetrievalListener): void {
    this.listener = listener;
    this.started = true;
    if (this.leader[0] !== null) listener.notifyLeaderAddress(...this.leader);
  }

  stop(): void {
    this.stopped = true;
    this.listener = undefined;
  }

  notifyListener(address: string | null, sessionId: string | null): void {
    this.leader = [address, sessionId];
    this.listener?.notifyLeaderAddress(address, sessionId);
  }
}
