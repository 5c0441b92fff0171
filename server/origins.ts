/**
 * Where the viewer can be reached, from the address the server listens on: the URL to print, and the origins
 * whose pages may open its WebSocket (its own pages, by whichever of its addresses they were loaded). Listening
 * on a wildcard address (0.0.0.0, ::) means every address of this machine: the browser's Origin is then the
 * address it used (127.0.0.1, localhost, a LAN address, the host's name), never "0.0.0.0".
 */
import { hostname, networkInterfaces } from 'node:os';

const WILDCARDS = new Set(['0.0.0.0', '::']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Whether others on the network can reach the server (anything but a loopback address). */
export function beyondLoopback(host: string): boolean {
  return !LOOPBACK.has(host) && !host.startsWith('127.');
}

/** This machine's interface addresses a wildcard host listens on (IPv4 for 0.0.0.0, IPv6 too for ::), without
 * IPv6 zone ids, which an Origin never carries. */
function interfaceAddresses(host: string): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => host === '::' || a.family === 'IPv4')
    .map((a) => a.address.replace(/%.*$/, ''));
}

/** The addresses a browser may have used to load the viewer from a server listening on `host`. */
export function servedAddresses(host: string): string[] {
  if (WILDCARDS.has(host)) return [...new Set(['127.0.0.1', 'localhost', hostname(), ...interfaceAddresses(host)])];
  if (LOOPBACK.has(host)) return ['127.0.0.1', 'localhost', ...(host === '::1' ? ['::1'] : [])];
  return [host];
}

/** The origins of the server's own pages. */
export function ownOrigins(host: string, port: number): string[] {
  return servedAddresses(host).map((address) => `http://${hostForUrl(address)}:${port}`);
}

/** A URL that opens the viewer on this machine: a wildcard host is not an address a browser can go to. */
export function viewerUrl(host: string, port: number): string {
  return `http://${hostForUrl(WILDCARDS.has(host) ? '127.0.0.1' : host)}:${port}/`;
}
