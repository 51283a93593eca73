// The sandbox's control socket, in the manner of ovs-appctl: a Unix socket in the data directory;
// a client writes one JSON request line and reads one JSON response line.

import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import net from 'node:net';
import { CliError } from '../common/cli-error.js';
import type { VmRequest, VmResponse } from './vm-requests.js';

export const CONTROL_SOCKET = 'control.sock';

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

/** Listens on `path` (a stale socket left by a crashed sandbox is replaced). */
export async function serveControl(
  path: string,
  handle: (req: VmRequest) => Promise<VmResponse>,
): Promise<ControlServer> {
  if (existsSync(path)) {
    if (await answers(path)) throw new CliError(`sandbox: ${path}: another sandbox is running`);
    await unlink(path);
  }
  const server = net.createServer((conn) => {
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('error', () => {});
    conn.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      buf = '';
      void (async () => {
        let res: VmResponse;
        try {
          res = await handle(JSON.parse(line) as VmRequest);
        } catch (err) {
          res = { lines: [], error: `control: ${(err as Error).message}`, code: 1 };
        }
        conn.end(`${JSON.stringify(res)}\n`);
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        unlink(path).catch(() => {});
      }),
  };
}

/** Sends one request to the sandbox listening on `path`. */
export function sendControl(path: string, req: VmRequest): Promise<VmResponse> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(path);
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(`${JSON.stringify(req)}\n`));
    conn.on('data', (chunk: string) => {
      buf += chunk;
    });
    conn.on('end', () => {
      try {
        resolve(JSON.parse(buf) as VmResponse);
      } catch {
        reject(new CliError(`vm ${req.op}: the sandbox sent no answer`));
      }
    });
    conn.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        new CliError(
          err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
            ? `vm ${req.op}: no sandbox is running (no ${path}); start one with: ovn-ts sandbox`
            : `vm ${req.op}: ${path}: ${err.message}`,
        ),
      );
    });
  });
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(path);
    c.on('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}
