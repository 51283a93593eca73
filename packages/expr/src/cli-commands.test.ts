import { describe, expect, it } from 'vitest';
import { type ExprCommandEnv, exprFlows, exprParse, parseExprEnvArgs } from './cli-commands.js';

function envOf(args: Parameters<typeof parseExprEnvArgs>[0]): ExprCommandEnv {
  const r = parseExprEnvArgs(args);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('parseExprEnvArgs', () => {
  it('parses ports, address sets, port groups and resident ports', () => {
    const env = envOf({
      port: ['lp1=1', 'lp2=0x10'],
      addressSet: ['web=10.0.0.1, 10.0.0.2', 'nets=10.0.0.0/8,fe80::/10', 'none='],
      portGroup: ['pg=lp1,lp2'],
      chassisResident: ['lp1'],
    });
    expect(exprFlows('inport == @pg && ip4.src == $web', env)).toEqual([
      'reg14=0x1,eth.type=0x800,ip4.src=10.0.0.1',
      'reg14=0x1,eth.type=0x800,ip4.src=10.0.0.2',
      'reg14=0x10,eth.type=0x800,ip4.src=10.0.0.1',
      'reg14=0x10,eth.type=0x800,ip4.src=10.0.0.2',
    ]);
    expect(exprParse('ip4.src == $none', env)).toBe('ok 0');
    expect(exprFlows('is_chassis_resident("lp1")', env)).toEqual(['*']);
    expect(exprFlows('is_chassis_resident("lp2")', env)).toEqual(['(no flows)']);
  });

  it.each([
    [{ port: ['lp1'] }, '--port lp1: expecting NAME=KEY'],
    [{ port: ['=1'] }, '--port =1: expecting NAME=KEY'],
    [{ port: ['lp1=x'] }, '--port lp1=x: key must be a decimal or 0x-prefixed hex integer'],
    [{ addressSet: ['as'] }, '--address-set as: expecting NAME=V1,V2,…'],
    [
      { addressSet: ['as=1.2.3.4,foo'] },
      "--address-set as: `foo' is not an address or integer constant",
    ],
    [{ portGroup: ['pg'] }, '--port-group pg: expecting NAME=P1,P2,…'],
  ])('refuses %j', (args, message) => {
    const r = parseExprEnvArgs(args);
    expect(r.ok ? 'ok' : r.error.message).toBe(message);
  });
});

describe('exprParse / exprFlows', () => {
  it('prints the canonical normalized match or the error', () => {
    expect(exprParse('tcp.dst == 80 && ip4')).toBe(
      'ok eth.type == 0x800 && ip.proto == 6 && tcp.dst == 80',
    );
    expect(exprParse('tcp.dst == ')).toBe('error Syntax error at end of input expecting constant.');
  });

  it('prints one flow per line, conjunctions, then conj_id lines', () => {
    const env = envOf({
      addressSet: ['a=10.0.0.1,10.0.0.2,10.0.0.4', 'b=10.1.0.1,10.1.0.2,10.1.0.4'],
    });
    expect(exprFlows('ip4.src == $a && ip4.dst == $b', { ...env, firstConjId: 7 })).toEqual([
      'eth.type=0x800,ip4.src=10.0.0.1 conjunction(7,1/2)',
      'eth.type=0x800,ip4.src=10.0.0.2 conjunction(7,1/2)',
      'eth.type=0x800,ip4.src=10.0.0.4 conjunction(7,1/2)',
      'eth.type=0x800,ip4.dst=10.1.0.1 conjunction(7,2/2)',
      'eth.type=0x800,ip4.dst=10.1.0.2 conjunction(7,2/2)',
      'eth.type=0x800,ip4.dst=10.1.0.4 conjunction(7,2/2)',
      'conj_id=7',
    ]);
    expect(
      exprFlows('ip4.src == $a && ip4.dst == $b', { ...env, conjunctions: false }),
    ).toHaveLength(9);
    expect(exprFlows('ip4.src == ')).toEqual([
      'error Syntax error at end of input expecting constant.',
    ]);
  });

  it('formats values by field: MACs, IPv6 prefixes, hex masks', () => {
    expect(
      exprFlows('eth.src == 00:00:00:00:00:01 && ip6.dst == fe80::/10 && reg0[4..7] == 3'),
    ).toEqual(['reg0=0x30/0xf0,eth.src=00:00:00:00:00:01,eth.type=0x86dd,ip6.dst=fe80::/10']);
  });
});
