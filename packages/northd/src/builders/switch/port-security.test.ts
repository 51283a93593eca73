import { describe } from 'vitest';
import { PORT_SECURITY_CASES } from './port-security.cases.js';
import { runGoldenCases } from './test-helpers.js';

describe('switch port security (golden)', () => runGoldenCases(PORT_SECURITY_CASES));
