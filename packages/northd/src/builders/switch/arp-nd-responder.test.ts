import { describe } from 'vitest';
import { ARP_ND_RESPONDER_CASES } from './arp-nd-responder.cases.js';
import { runGoldenCases } from './test-helpers.js';

describe('switch ARP/ND responder (golden)', () => runGoldenCases(ARP_ND_RESPONDER_CASES));
