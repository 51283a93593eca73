import { describe, expect, test } from 'vitest';
import { parseCommandLine } from './command-line.js';

const cmds = (argv: string[]) =>
  parseCommandLine(argv).commands.map((c) => [
    c.name,
    ...c.args,
    ...[...c.options].map(([k, v]) => `--${k}=${v}`),
  ]);

describe('command line', () => {
  test('global options, then commands separated by --', () => {
    const line = parseCommandLine([
      '--db',
      'postgres://h/db',
      '--wait=sb',
      '-t',
      '5',
      'ls-add',
      'sw0',
      '--',
      'lsp-add',
      'sw0',
      'p1',
    ]);
    expect(line.global).toMatchObject({
      db: 'postgres://h/db',
      wait: 'sb',
      timeout: 5,
      format: undefined,
    });
    expect(cmds(['ls-add', 'sw0', '--', 'lsp-add', 'sw0', 'p1'])).toEqual([
      ['ls-add', 'sw0'],
      ['lsp-add', 'sw0', 'p1'],
    ]);
  });

  test('options before the first command that are not global belong to it; later ones to their command', () => {
    expect(
      cmds(['--may-exist', 'ls-add', 'sw0', '--', '--if-exists', '--type=switch', 'ls-del', 'sw1']),
    ).toEqual([
      ['ls-add', 'sw0', '--may-exist=true'],
      ['ls-del', 'sw1', '--if-exists=true', '--type=switch'],
    ]);
    // A leading -- separates global options from the first command's, as in ovn-nbctl.
    expect(cmds(['--db=x', '--', '--may-exist', 'ls-add', 'a'])).toEqual([
      ['ls-add', 'a', '--may-exist=true'],
    ]);
  });

  test('arguments that look like options after the command name stay arguments', () => {
    expect(cmds(['acl-add', 'sw0', 'to-lport', '100', '-x', 'drop'])).toEqual([
      ['acl-add', 'sw0', 'to-lport', '100', '-x', 'drop'],
    ]);
  });

  test('--timeout=0 means wait forever; --no-wait resets --wait', () => {
    expect(parseCommandLine(['--timeout=0', 'sync']).global.timeout).toBeUndefined();
    expect(parseCommandLine(['--wait=hv', '--no-wait', 'sync']).global.wait).toBe('none');
  });

  test('bad global options are usage errors', () => {
    expect(() => parseCommandLine(['--db'])).toThrow('option --db requires a value');
    expect(() => parseCommandLine(['--format=xml', 'ls-list'])).toThrow(
      '--format: "xml" is not one of list, table, json, csv',
    );
    expect(() => parseCommandLine(['--timeout=soon', 'sync'])).toThrow(
      '--timeout: "soon" is not a number of seconds',
    );
    expect(() => parseCommandLine(['-z', 'sync'])).toThrow('unknown option -z');
    expect(() => parseCommandLine(['ls-add', 'a', '--', '--if-exists'])).toThrow(
      'missing command name after --if-exists',
    );
  });

  test('empty segments between -- are ignored', () => {
    expect(cmds(['--', 'ls-list', '--', '--', 'lr-list', '--'])).toEqual([
      ['ls-list'],
      ['lr-list'],
    ]);
  });
});
