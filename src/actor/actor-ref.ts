// A handle to an actor anywhere in the mesh: tell (fire and forget) and ask
// (request and reply with a timeout). Mirrors Pekko's ActorRef as Flink uses it.

import type { ActorSystem } from './actor-system.js';
import type { Link } from './transport.js';

export class ActorRef {
  /** Cached by the system on first use; a host's link never changes once open. */
  link: Link | undefined;

  constructor(
    readonly system: ActorSystem,
    /** Full address, e.g. `node://flink@thread-3/user/rpc/taskmanager_0`. */
    readonly address: string,
    readonly host: string,
    readonly path: string,
  ) {}

  get isLocal(): boolean {
    return this.host === this.system.host;
  }

  /** Sends without waiting for a reply. Throws at once if the message cannot be sent. */
  tell(message: unknown, label?: string): void {
    this.system.tell(this, message, label ?? this.path);
  }

  /** Sends and waits for the reply, for at most `timeoutMs`. */
  ask(message: unknown, timeoutMs: number, label?: string): Promise<unknown> {
    return this.system.ask(this, message, timeoutMs, label ?? this.path);
  }

  toString(): string {
    return `ActorRef(${this.address})`;
  }
}
