import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pollTimeout } from './busy-poll.js';

describe('poll timeout of the dedicated loop', () => {
  const opts = { windowMs: 2, idleWaitMs: 5 };

  it('does not block while a port has more to read, whatever the clock says', () => {
    expect(pollTimeout(opts, 1000, Number.NEGATIVE_INFINITY, true)).toBe(0);
    expect(pollTimeout({ windowMs: 0, idleWaitMs: 5 }, 1000, 0, true)).toBe(0);
  });

  it('spins only within the window after the last traffic, then blocks', () => {
    expect(pollTimeout(opts, 10, 9, false)).toBe(0); // 1 ms after traffic
    expect(pollTimeout(opts, 12, 10, false)).toBe(5); // the window has just passed
    expect(pollTimeout(opts, 10, Number.NEGATIVE_INFINITY, false)).toBe(5); // never any traffic
  });

  it('never spins with a zero window, and never blocks longer than the idle wait', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (now, last, windowMs) => {
          const t = pollTimeout({ windowMs, idleWaitMs: 5 }, now, Math.min(now, last), false);
          expect(t === 0 || t === 5).toBe(true);
          if (windowMs === 0) expect(t).toBe(5);
          if (now - Math.min(now, last) >= windowMs) expect(t).toBe(5);
        },
      ),
    );
  });
});
