import { request as httpRequest } from 'node:http';

/** Raw HTTP for the REST fuzzing: requests sent byte for byte as given, and the encodings that build them. */

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: the path and headers are sent as given (fetch would normalise them). */
export const send = (
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<HttpAnswer> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = httpRequest({ host: hostname, port, method, path, headers, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    req.on('error', reject);
    req.end(body);
  });

export const json = (answer: HttpAnswer): Record<string, unknown> => {
  try {
    return JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON (${answer.status}): ${answer.body.slice(0, 200)}`);
  }
};

/** Printable ASCII as it is (stray `%`, `..`, `\\` included), the rest percent-encoded: what Node's HTTP client sends. */
export const pathSafe = (text: string): string =>
  [...text].map((char) => (/^[\u0021-\u007e]$/.test(char) && char !== '?' && char !== '#' ? char : percentEncode(char))).join('');

/** Percent-encodes a string, lone surrogates included (encodeURIComponent refuses those), as their WTF-8 bytes. */
export const percentEncode = (text: string): string => {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const isHigh = code >= 0xd800 && code <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
};

export const decodable = (segment: string): boolean => {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
};

export const headerSafe = (text: string): string => text.replace(/[^\t\u0020-\u007e\u0080-\u00ff]/g, '?');
