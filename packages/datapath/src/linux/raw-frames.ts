/**
 * A tiny raw-frame tool for namespace tests, run inside a namespace with the compiled package:
 *
 *   node dist/linux/raw-frames.js send IFNAME HEX...       send each hex string as one frame
 *   node dist/linux/raw-frames.js recv IFNAME COUNT MS     print `ready`, then each frame received as a
 *                                                          hex line, until COUNT frames or MS passed
 *
 * Hosts in namespaces have no tool that sends a hand-made frame (say, with a VLAN tag on a kernel built
 * without 802.1Q), so tests use our own AF_PACKET socket on the host's side of the veth.
 */
import { AfPacketSocket } from './af-packet-socket.js';
import { libc, POLLIN } from './libc.js';

function main(): void {
  const [cmd, ifname, ...rest] = process.argv.slice(2);
  if (!ifname || (cmd !== 'send' && cmd !== 'recv'))
    throw new Error('usage: raw-frames send|recv IFNAME ...');
  const s = new AfPacketSocket(ifname, { vnetHeader: false, promiscuous: true });
  try {
    if (cmd === 'send') {
      for (const [i, hex] of rest.entries()) s.stage(i, Buffer.from(hex, 'hex'), undefined);
      const sent = s.send(rest.length);
      if (sent !== rest.length)
        throw new Error(`raw-frames: sent ${sent} of ${rest.length} frames on ${ifname}`);
      return;
    }
    const want = Number(rest[0] ?? 1);
    const deadline = Date.now() + Number(rest[1] ?? 5000);
    const pfd = Buffer.alloc(8);
    pfd.writeInt32LE(s.fd, 0);
    pfd.writeInt16LE(POLLIN, 4);
    process.stdout.write('ready\n');
    let got = 0;
    while (got < want && Date.now() < deadline) {
      libc().poll(pfd, 1, Math.max(1, deadline - Date.now()));
      const n = s.receive();
      for (let i = 0; i < n && got < want; i++) {
        const f = s.rxFrame(i);
        if (!f) continue;
        process.stdout.write(`${Buffer.from(f.buffer, f.byteOffset, f.length).toString('hex')}\n`);
        got++;
      }
    }
  } finally {
    s.close();
  }
}

main();
