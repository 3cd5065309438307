// The peer addresses coturn must never relay to unless an operator allows one
// (TURN_ALLOWED_PEER_IPS): without these, anyone holding a credential could
// use the TURN server to reach the machines around it — loopback services,
// the private network, the cloud metadata endpoint (169.254.169.254). coturn
// takes ranges as `first-last`, not CIDR, so each is written out with the
// block it stands for.

/** One denied block: coturn's `first-last` form and what it is. */
export interface DeniedRange {
  readonly range: string;
  readonly what: string;
}

const ipv4: DeniedRange[] = [
  { range: '0.0.0.0-0.255.255.255', what: '0.0.0.0/8 "this network"' },
  { range: '10.0.0.0-10.255.255.255', what: '10.0.0.0/8 private' },
  { range: '100.64.0.0-100.127.255.255', what: '100.64.0.0/10 carrier-grade NAT' },
  { range: '127.0.0.0-127.255.255.255', what: '127.0.0.0/8 loopback' },
  {
    range: '169.254.0.0-169.254.255.255',
    what: '169.254.0.0/16 link-local, cloud metadata (169.254.169.254)',
  },
  { range: '172.16.0.0-172.31.255.255', what: '172.16.0.0/12 private' },
  { range: '192.0.0.0-192.0.0.255', what: '192.0.0.0/24 IETF protocol assignments' },
  { range: '192.0.2.0-192.0.2.255', what: '192.0.2.0/24 documentation' },
  { range: '192.88.99.0-192.88.99.255', what: '192.88.99.0/24 6to4 relay anycast' },
  { range: '192.168.0.0-192.168.255.255', what: '192.168.0.0/16 private' },
  { range: '198.18.0.0-198.19.255.255', what: '198.18.0.0/15 benchmarking' },
  { range: '198.51.100.0-198.51.100.255', what: '198.51.100.0/24 documentation' },
  { range: '203.0.113.0-203.0.113.255', what: '203.0.113.0/24 documentation' },
  { range: '224.0.0.0-239.255.255.255', what: '224.0.0.0/4 multicast' },
  { range: '240.0.0.0-255.255.255.255', what: '240.0.0.0/4 reserved, broadcast' },
];

const ffff = 'ffff:ffff:ffff:ffff:ffff:ffff';
const ipv6: DeniedRange[] = [
  { range: '::-::ffff:ffff', what: '::/96 unspecified, loopback ::1, IPv4-compatible' },
  { range: '::ffff:0.0.0.0-::ffff:255.255.255.255', what: '::ffff:0:0/96 IPv4-mapped' },
  { range: '64:ff9b::-64:ff9b::ffff:ffff', what: '64:ff9b::/96 NAT64' },
  { range: `64:ff9b:1::-64:ff9b:1:${ffff.slice(5)}`, what: '64:ff9b:1::/48 local NAT64' },
  { range: '100::-100::ffff:ffff:ffff:ffff', what: '100::/64 discard' },
  { range: `2001::-2001:1ff:${ffff}`, what: '2001::/23 IETF protocol assignments, Teredo' },
  { range: `2001:db8::-2001:db8:${ffff}`, what: '2001:db8::/32 documentation' },
  { range: `2002::-2002:ffff:${ffff}`, what: '2002::/16 6to4' },
  { range: `fc00::-fdff:ffff:${ffff}`, what: 'fc00::/7 unique local' },
  { range: `fe80::-feff:ffff:${ffff}`, what: 'fe80::/10 link-local, fec0::/10 site-local' },
  { range: `ff00::-ffff:ffff:${ffff}`, what: 'ff00::/8 multicast' },
];

/** Every block denied by default, IPv4 first. */
export const deniedPeerRanges: readonly DeniedRange[] = [...ipv4, ...ipv6];

/** True for 127.0.0.0/8 and ::1, which coturn refuses unless `allow-loopback-peers` is set. */
export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || /^::ffff:127\./i.test(ip);
}
