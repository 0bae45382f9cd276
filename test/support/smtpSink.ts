/**
 * A loopback SMTP server that accepts mail into memory, so the SMTP adapter is tested
 * over the real protocol. Recipients containing "refuse" get a permanent 550, the way
 * a real server refuses an unknown mailbox.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SunkMail {
  from: string;
  to: string[];
  data: string;
}

export interface SmtpSink {
  url: string;
  mails: SunkMail[];
  close(): Promise<void>;
}

function serve(socket: Socket, mails: SunkMail[]): void {
  let buffer = '';
  let inData = false;
  let current: SunkMail = { from: '', to: [], data: '' };
  const reply = (line: string) => socket.write(`${line}\r\n`);
  const command = (line: string) => {
    const verb = line.slice(0, 4).toUpperCase();
    if (verb === 'EHLO' || verb === 'HELO') return reply('250 sink.local');
    if (verb === 'MAIL') {
      current = { from: line.slice(10).trim(), to: [], data: '' };
      return reply('250 OK');
    }
    if (verb === 'RCPT') {
      const to = line.slice(8).trim();
      if (to.includes('refuse')) return reply('550 5.1.1 mailbox unavailable');
      current.to.push(to);
      return reply('250 OK');
    }
    if (verb === 'DATA') {
      inData = true;
      return reply('354 end with <CRLF>.<CRLF>');
    }
    if (verb === 'RSET') return reply('250 OK');
    if (verb === 'QUIT') {
      reply('221 bye');
      return socket.end();
    }
    reply('502 not implemented');
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (;;) {
      if (inData) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) return;
        current.data = buffer.slice(0, end).replace(/\r\n\.\./g, '\r\n.');
        buffer = buffer.slice(end + 5);
        inData = false;
        mails.push(current);
        reply('250 queued');
        continue;
      }
      const end = buffer.indexOf('\r\n');
      if (end < 0) return;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      command(line);
    }
  });
  socket.on('error', () => undefined);
  reply('220 sink.local ESMTP');
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: SunkMail[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, mails);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
