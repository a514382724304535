// Reports one fixed leader, mirroring Flink's StandaloneLeaderRetrievalService:
// without HA the address is known in advance, so the listener is told at once,
// synchronously, inside start().

import { IllegalLeaderServiceStateError } from './errors.js';
import { DEFAULT_LEADER_ID } from './leader-ids.js';
import type { LeaderRetrievalListener, LeaderRetrievalService } from './leader-retrieval.js';

export class StandaloneLeaderRetrievalService implements LeaderRetrievalService {
  private started = false;

  constructor(
    private readonly leaderAddress: string,
    private readonly leaderId: string = DEFAULT_LEADER_ID,
  ) {}

  start(listener: LeaderRetrievalListener): void {
    if (this.started) {
      throw new IllegalLeaderServiceStateError('StandaloneLeaderRetrievalService can only be used once.');
    }
    this.started = true;
    listener.notifyLeaderAddress(this.leaderAddress, this.leaderId);
  }

  stop(): void {
    this.started = false;
  }
}
