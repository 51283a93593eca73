import { describe, expect, it } from 'vitest';
import { exprActions } from './cli-command.js';

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
