export const dbHello = (): string => 'db';
