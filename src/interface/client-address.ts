/**
 * The client's address behind `trustedProxies` proxies, with Express's numeric `trust proxy`
 * semantics: walk from the socket's peer back through `X-Forwarded-For`, right to left, trusting
 * one hop per proxy. Entries further left were written by the client and are never believed, so
 * nobody can pose as another address by sending the header.
 */
export const clientAddress = (peer: string, forwardedFor: string | string[] | undefined, trustedProxies: number): string => {
  if (trustedProxies <= 0 || forwardedFor === undefined) return peer;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const hops = [
    peer,
    ...header
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0)
      .reverse(),
  ];
  return hops[Math.min(trustedProxies, hops.length - 1)] ?? peer;
};
