import { describe, expect, it } from 'vitest';
import { linkMemoryPorts, MemoryPort } from './memory-port.js';

describe('MemoryPort', () => {
  it('delivers injected frames, captures copies of transmitted ones, counts both', () => {
    const p = new MemoryPort();
    const got: Uint8Array[] = [];
    expect(() => p.inject([Uint8Array.of(1)])).toThrow(/before the port was added/);
    p.start((frames) => got.push(...frames));
    p.inject([Uint8Array.of(1, 2), Uint8Array.of(3)]);
    expect(got).toHaveLength(2);
    const f = Uint8Array.of(9, 9);
    p.transmit([f], [{ tunId: 5n }]);
    f[0] = 0; // the capture is a copy
    expect(p.take()).toEqual([{ frame: Uint8Array.of(9, 9), meta: { tunId: 5n } }]);
    expect(p.take()).toEqual([]);
    expect(p.stats()).toMatchObject({ rxPackets: 2, rxBytes: 3, txPackets: 1, txBytes: 2 });
  });

  it('linked ports hand each other what they transmit, and stop after close', async () => {
    const [a, b] = linkMemoryPorts();
    const atB: number[] = [];
    a.start(() => {});
    b.start((frames) => atB.push(...frames.map((f) => f[0]!)));
    a.transmit([Uint8Array.of(7)]);
    expect(atB).toEqual([7]);
    await b.close();
    a.transmit([Uint8Array.of(8)]);
    expect(atB).toEqual([7]);
  });
});
