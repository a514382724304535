// The actor layer's public surface.
export { formatAddress, parseAddress, AddressParseError } from './address.js';
export type { ActorAddress } from './address.js';
export { ActorRef } from './actor-ref.js';
export { ActorSelection } from './actor-selection.js';
export { ActorSystem } from './actor-system.js';
export type { Actor, ActorSystemMetrics, ActorSystemOptions } from './actor-system.js';
export { decodeError, encodeError, registerErrorClasses } from './error-codec.js';
export type { SerializedError } from './error-codec.js';
export { ActorNotFoundError } from './errors.js';
export type { Link, Transport, TransportListener } from './transport.js';
