import type { createPool } from '@ovn-ts/db';

/** The pg pool that @ovn-ts/db's createPool makes (typed through it, so this package needs no pg). */
export type SbPool = ReturnType<typeof createPool>;
