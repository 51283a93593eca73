/** lr-add, lr-del, lr-list. */
import { ROUTER } from './lookup.js';
import { addCommand, delCommand, listCommand } from './named-entity.js';

const GROUP = 'Logical router commands';

export const routerCommands = [
  addCommand(ROUTER, 'lr-add', GROUP, 'router'),
  delCommand(ROUTER, 'lr-del', GROUP, 'router'),
  listCommand(ROUTER, 'lr-list', GROUP),
];
