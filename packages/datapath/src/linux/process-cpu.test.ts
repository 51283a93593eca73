import { describe, expect, it } from 'vitest';
import { cpuTicksFromStat, processCpuSeconds } from './process-cpu.js';

describe('process CPU time from /proc', () => {
  it('adds utime and stime (fields 14 and 15), whatever the command name holds', () => {
    // Fields 3..: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const rest = 'S 1 2 3 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 12345';
    expect(cpuTicksFromStat(`4242 (node) ${rest}`)).toBe(325);
    expect(cpuTicksFromStat(`4242 (a) (b c) ${rest}`)).toBe(325);
  });

  it('refuses text that is not a stat line', () => {
    expect(() => cpuTicksFromStat('garbage')).toThrow(/no command name/);
    expect(() => cpuTicksFromStat('1 (x) S 1')).toThrow(/bad utime/);
  });

  it('reads this process: a number of seconds that does not go down', () => {
    const a = processCpuSeconds(process.pid);
    let x = 0;
    for (let i = 0; i < 1e6; i++) x += i;
    const b = processCpuSeconds(process.pid);
    expect(x).toBeGreaterThan(0);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThanOrEqual(a);
  });
});
