// Loopback addresses: the only ones where plain TCP is allowed without an
// explicit insecure option, because traffic on them never leaves the machine.

import { isIP } from 'node:net';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
