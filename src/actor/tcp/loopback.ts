// Loopback addresses: the only ones where plain TCP is allowed without an
// explicit insecure option, because traffic on them never leaves the machine.

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost') return true;
  // node:net loads on first use: workers that never check an address start without it.
  const { isIP } = process.getBuiltinModule('node:net');
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
