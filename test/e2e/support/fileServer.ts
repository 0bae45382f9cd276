/**
 * A loopback HTTP server that serves one file, standing in for the short-lived,
 * pre-authorised `downloadUrl` Teams puts in a `file.download.info` attachment.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServerOptions {
  contentType?: string;
  fileName?: string;
}

export interface FileServer {
  /** The URL to put in the attachment's `content.downloadUrl`. */
  downloadUrl: string;
  /** How many times the file was fetched (to prove the bot really downloaded it). */
  downloads(): number;
  close(): Promise<void>;
}

export async function startFileServer(bytes: Uint8Array, options: FileServerOptions = {}): Promise<FileServer> {
  const fileName = options.fileName ?? 'evidence.pdf';
  // An unguessable path, like the real pre-authorised URL.
  const filePath = `/download/${randomUUID()}/${encodeURIComponent(fileName)}`;
  let downloads = 0;

  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== filePath) {
      res.writeHead(404).end();
      return;
    }
    downloads += 1;
    res.writeHead(200, {
      'content-type': options.contentType ?? 'application/pdf',
      'content-length': String(bytes.byteLength),
    });
    res.end(Buffer.from(bytes));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    downloadUrl: `http://127.0.0.1:${port}${filePath}`,
    downloads: () => downloads,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
