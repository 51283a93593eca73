/** ls-add, ls-del, ls-list. */
import { SWITCH } from './lookup.js';
import { addCommand, delCommand, listCommand } from './named-entity.js';

const GROUP = 'Logical switch commands';

export const switchCommands = [
  addCommand(SWITCH, 'ls-add', GROUP, 'switch'),
  delCommand(SWITCH, 'ls-del', GROUP, 'switch'),
  listCommand(SWITCH, 'ls-list', GROUP),
];
