import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NetnsLab, withNetnsLab } from './netns-lab.js';

function namespaces(): string[] {
  try {
    return readdirSync('/var/run/netns');
  } catch {
    return [];
  }
}

describe('netns lab', () => {
  it('creates addressed hosts with unique names and removes everything, even when the body throws', async () => {
    let made: { ns: string[]; links: string[] } = { ns: [], links: [] };
    await expect(
      withNetnsLab('labt', async (lab) => {
        const a = lab.addHost('a', { cidr: '10.9.0.1/24' });
        const b = lab.addHost('b', { cidr: '10.9.0.2/24' });
        made = { ns: [a.ns, b.ns], links: [a.rootIf, b.rootIf] };
        expect(new Set([a.ns, b.ns, a.rootIf, b.rootIf]).size).toBe(4);
        expect(lab.exec(a, 'ip', ['-4', '-o', 'addr', 'show', 'dev', a.nsIf])).toContain(
          '10.9.0.1/24',
        );
        expect(readdirSync('/sys/class/net')).toEqual(expect.arrayContaining(made.links));
        throw new Error('body failed');
      }),
    ).rejects.toThrow('body failed');
    expect(made.ns.length).toBe(2);
    expect(namespaces().filter((n) => made.ns.includes(n))).toEqual([]);
    expect(readdirSync('/sys/class/net').filter((l) => made.links.includes(l))).toEqual([]);
  });

  it('keeps interface names within the kernel limit', () => {
    const lab = new NetnsLab('namelen');
    try {
      const h = lab.addHost('h', { cidr: '10.9.1.1/24' });
      expect(Buffer.byteLength(h.rootIf)).toBeLessThanOrEqual(15);
      expect(Buffer.byteLength(lab.interfaceName())).toBeLessThanOrEqual(15);
    } finally {
      lab.destroy();
    }
  });
});
