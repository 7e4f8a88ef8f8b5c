import { clientAddress } from './client-address';

describe("a client's address behind proxies", () => {
  it('is the peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.9', 0)).toBe('10.0.0.1');
  });

  it('is the address the trusted proxy saw, not what the client wrote to the left of it', () => {
    expect(clientAddress('10.0.0.1', '198.51.100.1', 1)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.1', '203.0.113.9, 198.51.100.1', 1)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.1', ['203.0.113.9', '198.51.100.1'], 1)).toBe('198.51.100.1');
  });

  it('walks one hop per trusted proxy, and stops at the leftmost entry', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.9, 198.51.100.1, 10.0.0.2', 2)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.1', '198.51.100.1', 5)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', ' , ', 1)).toBe('10.0.0.1');
  });
});
