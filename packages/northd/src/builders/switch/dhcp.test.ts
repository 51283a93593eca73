import { describe } from 'vitest';
import { DHCP_CASES } from './dhcp.cases.js';
import { runGoldenCases } from './test-helpers.js';

describe('switch native DHCPv4 (golden)', () => runGoldenCases(DHCP_CASES));
