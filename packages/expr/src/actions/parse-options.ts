// Actions with generic `name = value` options checked against a catalog: put_dhcp_opts,
// put_dhcpv6_opts, put_nd_ra_opts and trigger_event; plus the DHCP relay checks.

import type {
  Action,
  ActionConstant,
  ActionField,
  GenericOptionValue,
  PutOptsAction,
} from './ast.js';
import { type GenericOption, optionTakesString } from './dhcp-options.js';
import { parseLbKey } from './lb-key.js';
import type { ActionParser } from './parser.js';

/** `name = value` where `name` is in `catalog`; `what` names the catalog in errors. */
function parseOption(
  p: ActionParser,
  catalog: ReadonlyMap<string, GenericOption<string>> | undefined,
  what: string,
): { option: GenericOption<string>; value: GenericOptionValue } {
  const t = p.token;
  if (t.type !== 'id') return p.syntaxError();
  const option = catalog?.get(t.text);
  if (!option) return p.syntaxError(`expecting ${what} option name`);
  p.ts.next();
  p.expect('=');
  const value = p.constantSet();
  if (option.type !== 'host_id') {
    const wantString = optionTakesString(option.type);
    if ((value.values[0]?.kind === 'string') !== wantString) {
      p.error(`${what} option ${option.name} requires ${wantString ? 'string' : 'numeric'} value.`);
    }
  }
  return { option, value: { name: option.name, value } };
}

/** Options up to the closing `)`, commas optional (as in OVN). */
function parseOptionList(
  p: ActionParser,
  catalog: ReadonlyMap<string, GenericOption<string>> | undefined,
  what: string,
): { option: GenericOption<string>; value: GenericOptionValue }[] {
  const out: { option: GenericOption<string>; value: GenericOptionValue }[] = [];
  while (!p.match(')')) {
    out.push(parseOption(p, catalog, what));
    p.match(',');
  }
  return out;
}

/** `R = put_dhcp_opts(offerip = IP, …);` / `R = put_dhcpv6_opts(…);` (name token current). */
export function parsePutOpts(
  p: ActionParser,
  dst: ActionField,
  kind: 'put_dhcp_opts' | 'put_dhcpv6_opts',
): Action {
  p.ts.next();
  p.ts.next();
  p.typeCheck(dst, 1, true);
  const v4 = kind === 'put_dhcp_opts';
  const opts = parseOptionList(
    p,
    v4 ? p.env.dhcpOptions : p.env.dhcpv6Options,
    v4 ? 'DHCPv4' : 'DHCPv6',
  );
  // DHCPv4 replies need the address to offer (OVN's internal option code 0).
  if (v4 && !opts.some((o) => o.option.code === 0)) {
    p.error('put_dhcp_opts requires offerip to be specified.');
  }
  return { kind, dst, options: opts.map((o) => o.value) } satisfies PutOptsAction;
}

const ND_RA_CHECKS: Readonly<Record<string, (c: ActionConstant) => boolean>> = {
  addr_mode: (c) =>
    c.kind === 'string' && ['slaac', 'dhcpv6_stateful', 'dhcpv6_stateless'].includes(c.value),
  router_preference: (c) => c.kind === 'string' && ['MEDIUM', 'HIGH', 'LOW'].includes(c.value),
  slla: (c) => c.kind === 'integer' && c.format === 'mac',
  prefix: (c) => c.kind === 'integer' && c.format === 'ipv6' && c.mask !== undefined,
  mtu: (c) => c.kind === 'integer' && c.format === 'decimal',
  rdnss: (c) => c.kind === 'integer' && c.format === 'ipv6',
  route_info: (c) => c.kind === 'string',
  dnssl: (c) => c.kind === 'string',
};

/**
 * `R = put_nd_ra_opts(addr_mode = "…", slla = MAC, prefix = IP6/LEN, mtu = N, …);`
 * A source link-layer address is required, and so is a prefix unless addresses come from
 * stateful DHCPv6.
 */
export function parsePutNdRaOpts(p: ActionParser, dst: ActionField): Action {
  p.ts.next();
  p.ts.next();
  p.typeCheck(dst, 1, true);
  const opts = parseOptionList(p, p.env.ndRaOptions, 'IPv6 ND RA');
  let stateful = false;
  let prefix = false;
  let slla = false;
  for (const { value } of opts) {
    const values = value.value.values;
    const check = ND_RA_CHECKS[value.name];
    if (values.length > 1 || (check && !check(values[0]!))) {
      p.error(`Invalid value for "${value.name}" option`);
    }
    const c = values[0]!;
    if (value.name === 'addr_mode' && c.kind === 'string' && c.value === 'dhcpv6_stateful') {
      stateful = true;
    }
    if (value.name === 'prefix') prefix = true;
    if (value.name === 'slla') slla = true;
  }
  if (!slla) p.error('slla option not present');
  if (!stateful && !prefix) {
    p.error('prefix option needs to be set when address mode is slaac/dhcpv6_stateless.');
  }
  p.addPrereq('ip6');
  return { kind: 'put_nd_ra_opts', dst, options: opts.map((o) => o.value) };
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** `trigger_event(event = "empty_lb_backends", vip = "…", protocol = "…", load_balancer = "…");` */
export function parseTriggerEvent(p: ActionParser): Action {
  p.expect('(');
  if (!p.matchId('event')) p.syntaxError("Expecting 'event' option");
  p.expect('=');
  const t = p.token;
  if (t.type !== 'string' || t.text.length >= 64) return p.syntaxError('Expecting string');
  const catalog = p.env.events.get(t.text);
  if (!catalog) return p.syntaxError(`Unknown event '${t.text}'`);
  const event = t.text;
  p.ts.next();
  p.match(',');
  const opts = parseOptionList(p, catalog, event);
  if (event === 'empty_lb_backends') {
    for (const { value } of opts) {
      const values = value.value.values;
      const c = values[0]!;
      if (values.length > 1 || c.kind !== 'string') {
        p.error(`Invalid value for "${value.name}" option`);
      }
      const s = c.value;
      if (value.name === 'vip' && !parseLbKey(s)) p.error(`Invalid load balancer VIP '${s}'`);
      if (value.name === 'protocol' && !['tcp', 'udp', 'sctp'].includes(s)) {
        p.error(`Load balancer protocol '${s}' is not 'tcp', 'udp', or 'sctp'`);
      }
      if (value.name === 'load_balancer' && !UUID.test(s)) {
        p.error(`Load balancer '${s}' is not a UUID`);
      }
    }
  }
  return { kind: 'trigger_event', event, options: opts.map((o) => o.value) };
}

/** `R = dhcp_relay_req_chk(RELAY_IP, SERVER_IP);` (and _resp_chk); the name is consumed. */
export function parseDhcpRelayChk(
  p: ActionParser,
  dst: ActionField,
  kind: 'dhcp_relay_req_chk' | 'dhcp_relay_resp_chk',
): Action {
  p.expect('(');
  p.typeCheck(dst, 1, true);
  const relay = p.token;
  if (relay.type !== 'integer' || relay.format !== 'ipv4') {
    return p.syntaxError('expecting IPv4 dhcp relay and server ips');
  }
  p.ts.next();
  p.match(',');
  const server = p.token;
  if (server.type !== 'integer' || server.format !== 'ipv4') {
    return p.syntaxError('expecting IPv4 dhcp server ip');
  }
  p.ts.next();
  p.expect(')');
  return { kind, dst, relayIp: relay.value, serverIp: server.value };
}
