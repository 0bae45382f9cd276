/**
 * Preloaded into a reader process by the OCR tests (NODE_OPTIONS=--require …): the first
 * attempt to reach the network — a TCP socket, a DNS lookup, fetch, http(s) — ends the
 * process with exit code 97, so a read that comes back at all made none. Local sockets
 * (a path, not a host) stay open: tsx's loader talks to its own process through one.
 */
const dns = require('node:dns');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const tls = require('node:tls');

const refuse = () => process.exit(97);
const connect = net.Socket.prototype.connect;
const isLocal = (target) =>
  (typeof target === 'string' && !/^\d+$/.test(target)) ||
  (typeof target === 'object' && target !== null && typeof target.path === 'string');
net.Socket.prototype.connect = function guardedConnect(...args) {
  const target = Array.isArray(args[0]) ? args[0][0] : args[0];
  return isLocal(target) ? connect.apply(this, args) : refuse();
};
tls.connect = refuse;
dns.lookup = dns.resolve = refuse;
dns.promises.lookup = dns.promises.resolve = refuse;
http.request = http.get = https.request = https.get = refuse;
globalThis.fetch = refuse;
