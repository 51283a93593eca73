import { describe, expect, it } from 'vitest';
import { formatError } from '../result.js';
import { actionField, actionInteger, loadAction, nestedAction, simpleAction } from './ast.js';
import { exprActions } from './cli-command.js';
import { parseActions, validateActions } from './parse-actions.js';

describe('exprActions', () => {
  it('prints the canonical form of valid actions', () => {
    expect(exprActions('ip.ttl--;next;')).toBe('ok ip.ttl--; next;');
    expect(exprActions('ct_commit { ct_mark.blocked=1; };')).toBe(
      'ok ct_commit { ct_mark.blocked = 1; };',
    );
  });

  it('can show the prerequisites the actions add', () => {
    expect(exprActions('tcp.dst=443;', {}, { showPrereqs: true })).toBe(
      'ok tcp.dst = 443; [prereqs: tcp]',
    );
    expect(exprActions('output;', {}, { showPrereqs: true })).toBe('ok output;');
  });

  it('prints errors naming the offending token', () => {
    expect(exprActions('outport = reg0;')).toBe(
      "error Can't assign integer field (reg0) to string field (outport).",
    );
    expect(exprActions('next(;')).toBe(
      'error Syntax error at `;\' expecting "pipeline" or "table".',
    );
  });

  it('takes the flow position from the environment', () => {
    expect(exprActions('next(4);', { table: 3 })).toBe('ok next;');
    expect(exprActions('next(4);', { table: 0 })).toBe('ok next(4);');
    expect(exprActions('next;', { pipeline: 'egress', table: 15 })).toBe(
      'error "next" action cannot advance beyond table 16.',
    );
  });
});

describe('validateActions', () => {
  it('checks trees built in code', () => {
    const ok = validateActions([
      nestedAction('ct_commit', [loadAction(actionField('ct_mark', 32), actionInteger(1n))]),
      simpleAction('output'),
    ]);
    expect(ok.ok && ok.value.prereqs).toEqual(['ip']);
    const bad = validateActions([loadAction(actionField('ct_mark', 32), actionInteger(1n))]);
    expect(bad.ok ? 'ok' : bad.error.message).toBe('Field ct_mark is not modifiable.');
    const wide = validateActions([
      loadAction(actionField('reg0', 32, 0, 8), actionInteger(1n << 40n)),
    ]);
    expect(wide.ok ? 'ok' : wide.error.message).toBe(
      '41-bit constant is not compatible with 32-bit field reg0.',
    );
  });
});

describe('error positions', () => {
  const caret = (input: string) => {
    const r = parseActions(input);
    if (r.ok) throw new Error('expected an error');
    return formatError(r.error, input).split('\n').slice(1).join('\n');
  };

  it('point at the offending token', () => {
    expect(caret('output; next(pipeline=sideways);')).toBe(
      'output; next(pipeline=sideways);\n                      ^',
    );
  });

  it('point at the field a type or writability problem is about', () => {
    expect(caret('reg0 = 1; ip.proto = 6;')).toBe('reg0 = 1; ip.proto = 6;\n          ^');
    expect(caret('reg0 = reg1[0..3];')).toBe('reg0 = reg1[0..3];\n       ^');
    expect(caret('get_arp(outport, eth.src);')).toBe(
      'get_arp(outport, eth.src);\n                 ^',
    );
  });
});
