// Finds the live actor behind an address, as Pekko's ActorSelection.resolveOne:
// it asks the resolver actor of the target system. A trailing `*` in the last
// path segment (`resourcemanager_*`) matches any live actor with that prefix.

import { parseAddress } from './address.js';
import type { ActorRef } from './actor-ref.js';
import type { ActorSystem } from './actor-system.js';
import { ActorNotFoundError } from './errors.js';

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

/** What the resolver actor of a system knows of it. */
interface ResolvingSystem {
  readonly name: string;
  readonly host: string;
  addressOf(path: string): string;
}

/**
 * The resolver actor's answer: the path of the live actor `request` names in
 * `system`, whose live paths are the keys of `actors`. Throws ActorNotFoundError.
 */
export function resolveActorPath(
  request: ResolveRequest,
  system: ResolvingSystem,
  actors: ReadonlyMap<string, unknown>,
): string {
  const { resolve: path, system: name } = request;
  if (name !== system.name) {
    throw new ActorNotFoundError(`No actor system "${name}" on ${system.host} (it runs "${system.name}").`);
  }
  if (actors.has(path) && path !== kResolverPath) return path;
  if (path.endsWith('*')) {
    const prefix = path.slice(0, -1);
    for (const candidate of actors.keys()) {
      if (candidate.startsWith(prefix) && !candidate.slice(prefix.length).includes('/')) return candidate;
    }
  }
  throw new ActorNotFoundError(`No live actor matches ${system.addressOf(path)}.`);
}
