/**
 * Where a file download may go outside local mode: a host on the allow-list (Teams,
 * SharePoint and OneDrive names), resolved once, and only to public addresses. The
 * resolved address is the one connected to, so a name that answers a public address
 * to the check and a private one to the connection (DNS rebinding) gets nowhere.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** A resolved address, as `dns.lookup(name, { all: true })` gives it. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name; injected in tests so no name is ever looked up for real. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => ({
    address: entry.address,
    family: entry.family === 6 ? 6 : 4,
  }));

/**
 * Ranges no download may reach: this network, private, carrier-grade NAT, loopback,
 * link-local (cloud metadata lives there), protocol assignments, documentation,
 * benchmarking, multicast and reserved; in IPv6 the same plus unique-local, site-local
 * and the translation prefixes that embed an IPv4 address (NAT64, 6to4, Teredo).
 * IPv4-mapped IPv6 addresses are checked as the IPv4 address they carry.
 */
const REFUSED_RANGES: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 96, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 32, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const refused = new BlockList();
for (const [network, prefix, type] of REFUSED_RANGES) refused.addSubnet(network, prefix, type);

const MAPPED_DOTTED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** The IPv4 address an IPv4-mapped IPv6 address carries, else the address itself. */
function unmapped(address: string): string {
  const lower = address.toLowerCase();
  const dotted = MAPPED_DOTTED.exec(lower);
  if (dotted) return dotted[1] as string;
  const hex = MAPPED_HEX.exec(lower);
  if (!hex) return address;
  const high = parseInt(hex[1] as string, 16);
  const low = parseInt(hex[2] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for an address on the public internet; false for anything internal, reserved or not an address. */
export function isPublicAddress(raw: string): boolean {
  const address = unmapped(raw.replace(/^\[|\]$/g, '').split('%')[0] as string);
  const family = isIP(address);
  if (family === 0) return false;
  return !refused.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * `*.sharepoint.com` matches any name under sharepoint.com (not the bare domain);
 * anything else matches only itself. Case and a trailing dot do not matter.
 */
export function hostAllowed(hostname: string, patterns: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === '' || isIP(host.replace(/^\[|\]$/g, '')) !== 0) return false;
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase().replace(/\.$/, '');
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
    return pattern !== '' && host === pattern;
  });
}

/** Parses the comma-separated allow-list setting; undefined when an entry is not a host pattern. */
export function parseHostPatterns(text: string): string[] | undefined {
  const patterns = text
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  const valid = patterns.every((p) => /^(\*\.)?(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(p));
  return valid && patterns.length > 0 ? patterns : undefined;
}
