/** A database URL without its password, for messages. (Same rule as @ovn-ts/db's describeUrl,
 * kept here so that nbctl's startup does not load that package.) */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '<invalid database URL>';
  }
}
