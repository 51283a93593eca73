/**
 * CPU time of a process (user + system) from /proc/<pid>/stat, for benchmarks on a shared machine:
 * CPU seconds per packet stay put when other work steals the cores, where packets per second do not.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times (USER_HZ, 100 on every Linux architecture we run on). */
export const USER_HZ = 100;

/**
 * utime + stime, in clock ticks, from the text of /proc/<pid>/stat. The command name (field 2) is in
 * parentheses and may itself hold spaces and parentheses, so fields are counted after the last ')'.
 */
export function cpuTicksFromStat(stat: string): number {
  const close = stat.lastIndexOf(')');
  if (close < 0)
    throw new Error(`/proc stat: no command name in ${JSON.stringify(stat.slice(0, 60))}`);
  // After ") " come field 3 (state) onwards: utime is field 14, stime field 15.
  const fields = stat.slice(close + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`/proc stat: bad utime/stime in ${JSON.stringify(stat.slice(0, 120))}`);
  return utime + stime;
}

/** CPU seconds process `pid` has used so far. */
export function processCpuSeconds(pid: number): number {
  return cpuTicksFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) / USER_HZ;
}
