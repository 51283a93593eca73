import { dbHello } from '@ovn-ts/db';
export const nbHello = (): string => dbHello() + '-nb';
