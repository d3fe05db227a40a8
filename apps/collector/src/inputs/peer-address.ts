/** Node reports IPv4 peers of a dual-stack socket as `::ffff:a.b.c.d`; store the plain IPv4 form. */
export function normalizePeerAddress(address: string | undefined): string | undefined {
  if (!address) return undefined;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
