/** The types a user may share, recognised by their bytes: what the client claims is only checked against it. */
const SIGNATURES: { type: string; extensions: string[]; matches: (b: Buffer) => boolean }[] = [
  {
    type: 'image/png',
    extensions: ['png'],
    matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'image/jpeg', extensions: ['jpg', 'jpeg'], matches: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', extensions: ['gif'], matches: (b) => ['GIF87a', 'GIF89a'].includes(b.subarray(0, 6).toString('latin1')) },
  {
    type: 'image/webp',
    extensions: ['webp'],
    matches: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  { type: 'application/pdf', extensions: ['pdf'], matches: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  {
    type: 'text/plain',
    extensions: ['txt', 'md', 'log', 'csv'],
    // UTF-8 without NUL bytes, and not markup a browser might render.
    matches: (b) =>
      !b.includes(0) && Buffer.from(b.toString('utf8'), 'utf8').equals(b) && !/^\s*</.test(b.subarray(0, 512).toString('utf8')),
  },
];

export const ALLOWED_TYPES = SIGNATURES.map((s) => s.type);

/**
 * The sniffed type when the bytes are of an allowed type and agree with the name's extension and
 * the declared type; otherwise undefined (an HTML page named `cat.png` is refused).
 */
export const sniffType = (bytes: Buffer, name: string, declared: string): string | undefined => {
  const extension = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
  const signature = SIGNATURES.find((s) => s.matches(bytes));
  if (signature === undefined) return undefined;
  if (!signature.extensions.includes(extension)) return undefined;
  const claimed = declared.split(';')[0]!.trim().toLowerCase();
  if (claimed !== '' && claimed !== 'application/octet-stream' && claimed !== signature.type) return undefined;
  return signature.type;
};

/** A file name safe to show and to put in Content-Disposition. */
export const cleanFileName = (raw: string): string => {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = [...base]
    .filter((c) => c >= ' ' && c !== '\u007f' && c !== '"')
    .join('')
    .trim()
    .slice(0, 200);
  return clean === '' ? 'file' : clean;
};
