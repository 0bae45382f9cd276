/**
 * Loopback addresses: where the local stand-ins (Cosmos DB, Azurite, test servers)
 * listen, and what Azure endpoints and real download links never are. Shared by the
 * storage connections (plain http only there) and the file source (refused there
 * unless in local mode).
 */
const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

/** True for a URL whose host is localhost, ::1 or 127.x.x.x; false for anything else or no URL. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}
