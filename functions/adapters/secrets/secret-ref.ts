/**
 * A secret reference names where a key lives and which version of it the integration expects:
 * `<location>#<key version>`. The version lets cached reads notice a rotated key.
 */
export function formatSecretRef(location: string, keyVersion: string): string {
  return `${location}#${keyVersion}`;
}

export function parseSecretRef(ref: string): { location: string; keyVersion: string } {
  const at = ref.lastIndexOf('#');
  if (at <= 0) throw new Error('malformed secret reference');
  return { location: ref.slice(0, at), keyVersion: ref.slice(at + 1) };
}
