// Helpers for tests of northd and of what runs beside it (controllers, end-to-end scenarios).
export { NbFixture } from './nb-fixture.js';
export { openStackDb, type StackDb } from './stack-db.js';
