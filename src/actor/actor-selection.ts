// Finds the live actor behind an address, as Pekko's ActorSelection.resolveOne:
// it asks the resolver actor of the target system. A trailing `*` in the last
// path segment (`resourcemanager_*`) matches any live actor with that prefix.

import { parseAddress } from './address.js';
import type { ActorRef } from './actor-ref.js';
import type { ActorSystem } from './actor-system.js';

export const kResolverPath = '/system/resolver';

export interface ResolveRequest {
  readonly resolve: string;
  readonly system: string;
}

export class ActorSelection {
  constructor(
    private readonly system: ActorSystem,
    readonly address: string,
  ) {}

  /** Resolves to a ref of a live actor, or rejects (ActorNotFoundError, unreachable, timeout). */
  async resolveOne(timeoutMs: number): Promise<ActorRef> {
    const target = parseAddress(this.address);
    const resolver = this.system.refFor({ ...target, path: kResolverPath });
    const request: ResolveRequest = { resolve: target.path, system: target.system };
    const path = (await resolver.ask(request, timeoutMs, `resolve ${target.path}`)) as string;
    return this.system.refFor({ ...target, path });
  }
}
