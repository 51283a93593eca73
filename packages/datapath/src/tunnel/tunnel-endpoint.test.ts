import { afterEach, describe, expect, it } from 'vitest';
import type { TunnelMetadata } from '../port.js';
import { TunnelEndpoint } from './tunnel-endpoint.js';

const endpoints: TunnelEndpoint[] = [];
afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((e) => e.close()));
});

async function endpoint(
  localIp: string,
  localPort = 0,
  remotePort?: number,
): Promise<TunnelEndpoint> {
  const e = await TunnelEndpoint.open({
    encapsulation: 'geneve',
    localIp,
    localPort,
    ...(remotePort ? { remotePort } : {}),
  });
  endpoints.push(e);
  return e;
}

function firstBatch(port: {
  start(d: (f: readonly Uint8Array[], m?: readonly (TunnelMetadata | undefined)[]) => void): void;
}) {
  return new Promise<{ lengths: number[]; meta: (TunnelMetadata | undefined)[] }>((resolve) =>
    port.start((frames, meta) =>
      resolve({ lengths: frames.map((f) => f.length), meta: [...(meta ?? [])] }),
    ),
  );
}

describe('tunnel endpoint shared by one port per peer chassis', () => {
  it('hands each peer its own traffic, and each port sends to its own peer', async () => {
    // The same UDP port on every chassis, as OVN's 6081; addresses tell them apart.
    const port = 20000 + Math.floor(Math.random() * 20000);
    const local = await endpoint('127.0.0.1', port, port);
    const chassisB = await endpoint('127.0.0.2', port, port);
    const chassisC = await endpoint('127.0.0.3', port, port);
    const toB = local.peer('127.0.0.2');
    const toC = local.peer('127.0.0.3');
    const fromB = firstBatch(toB);
    toC.start(() => {});
    const bPort = chassisB.peer('127.0.0.1');
    const atB = firstBatch(bPort);
    const atC = firstBatch(chassisC.peer('127.0.0.1'));

    toB.transmit([new Uint8Array(70)], [{ tunId: 1n }]);
    toC.transmit([new Uint8Array(80)], [{ tunId: 2n }]);
    expect((await atB).lengths).toEqual([70]);
    expect((await atC).lengths).toEqual([80]);

    bPort.transmit([new Uint8Array(90)], [{ tunId: 3n }]);
    const b = await fromB;
    expect(b.lengths).toEqual([90]);
    expect(b.meta[0]).toMatchObject({ tunId: 3n, remoteIp: '127.0.0.2', localIp: '127.0.0.1' });
    expect(toC.stats().rxPackets).toBe(0);
  });

  it('drops what an unknown peer sends unless a catch-all port takes it', async () => {
    const local = await endpoint('127.0.0.1');
    const known = local.peer('127.0.0.2');
    known.start(() => {});
    // A chassis at 127.0.0.6 that the local endpoint has no port for.
    const direct = await TunnelEndpoint.open({
      encapsulation: 'geneve',
      localIp: '127.0.0.6',
      localPort: 0,
      remotePort: local.localPort,
    });
    endpoints.push(direct);
    const d = direct.any('127.0.0.1');
    d.start(() => {});
    d.transmit([new Uint8Array(60)], [{ tunId: 1n }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(local.unknownPeerDrops).toBe(1);
    const all = local.any();
    const got = firstBatch(all);
    d.transmit([new Uint8Array(61)], [{ tunId: 1n }]);
    expect((await got).meta[0]?.remoteIp).toBe('127.0.0.6');
    expect(() => local.peer('127.0.0.2')).toThrow(/already has a port/);
  });
});
