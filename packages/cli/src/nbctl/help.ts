/** --help, generated from the command registry so that it cannot drift from what exists. */
import type { AnyCommand } from './command.js';

export function helpText(registry: ReadonlyMap<string, AnyCommand>): string {
  const groups = new Map<string, AnyCommand[]>();
  for (const spec of new Set(registry.values())) {
    const list = groups.get(spec.group) ?? [];
    list.push(spec);
    groups.set(spec.group, list);
  }
  const lines = [
    'nbctl: ovn-ts northbound database management utility',
    'usage: nbctl [OPTIONS] COMMAND [ARG...] [-- [CMD-OPTIONS] COMMAND [ARG...]]...',
    '',
    'Several commands separated by "--" run as one atomic transaction: all or nothing.',
    'Objects are named by name or by UUID; a name shared by several rows is an error that lists them.',
  ];
  for (const [group, specs] of groups) {
    lines.push('', `${group}:`);
    for (const s of specs) {
      const opts = Object.entries(s.options ?? {})
        .map(([k, kind]) => (kind === 'flag' ? `[--${k}]` : `[--${k}=X]`))
        .join(' ');
      lines.push(`  ${[opts, s.name, s.usage].filter(Boolean).join(' ')}`);
      lines.push(`      ${s.summary}`);
    }
  }
  lines.push(
    '',
    'Options:',
    '  --db=URL                  PostgreSQL URL of the NB database (default: $OVN_NB_DB)',
    '                            (global options may also be given in $OVN_NBCTL_OPTIONS)',
    '  --wait=none|sb|hv         after committing, wait for northd (sb) or every chassis (hv)',
    '  --no-wait                 same as --wait=none (the default)',
    '  -t, --timeout=SECONDS     give up waiting after SECONDS (default: wait forever)',
    '  -f, --format=FORMAT       list output as list (default for list/find), table, json or csv',
    '  --bare                    values only: no headings, quotes or brackets',
    '  --dry-run                 run the commands, then roll the transaction back',
    '  --oneline                 one line of output per command (newlines shown as \\n)',
    '  -h, --help                this help',
    '  -V, --version             the version',
    '',
    'Exit status: 0 on success, 1 on any usage, validation, database or connection error.',
  );
  return `${lines.join('\n')}\n`;
}
