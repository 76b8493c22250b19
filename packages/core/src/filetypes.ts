/**
 * What kind of file a name or a few leading bytes stand for: the plain-data table `vfx scan`,
 * `vfx inspect` and batch commands use to group a tree by type without opening every file. Format
 * packages own their readers; this table only names them. Detection by magic bytes wins over the
 * extension (a `.exr` that starts like a JPEG is a JPEG).
 */

export type FileType = 'image' | 'exr' | 'particles' | 'volume' | 'cache' | 'other';

export interface FileFormat {
  /** Stable id (`jpeg`, `exr`, `bgeo`, ...). */
  id: string;
  type: FileType;
  /** Lower-case extensions with the dot; multi-part ones (`.bgeo.sc`) allowed. */
  extensions: readonly string[];
  /** True when the file's first bytes are this format's signature. */
  magic?: (head: Uint8Array) => boolean;
}

function startsWith(head: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (head.length < at + signature.length) return false;
  for (let i = 0; i < signature.length; i++) if (head[at + i] !== signature[i]) return false;
  return true;
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

/** Known formats. Order matters only for magic checks: the first match wins. */
export const fileFormats: readonly FileFormat[] = [
  { id: 'exr', type: 'exr', extensions: ['.exr', '.sxr'], magic: (h) => startsWith(h, [0x76, 0x2f, 0x31, 0x01]) },
  { id: 'jpeg', type: 'image', extensions: ['.jpg', '.jpeg', '.jpe', '.jfif'], magic: (h) => startsWith(h, [0xff, 0xd8, 0xff]) },
  { id: 'png', type: 'image', extensions: ['.png'], magic: (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  {
    id: 'tiff',
    type: 'image',
    extensions: ['.tif', '.tiff', '.tx', '.tex'],
    magic: (h) => startsWith(h, [0x49, 0x49, 0x2a, 0x00]) || startsWith(h, [0x4d, 0x4d, 0x00, 0x2a]),
  },
  { id: 'webp', type: 'image', extensions: ['.webp'], magic: (h) => startsWith(h, ascii('RIFF')) && startsWith(h, ascii('WEBP'), 8) },
  { id: 'gif', type: 'image', extensions: ['.gif'], magic: (h) => startsWith(h, ascii('GIF8')) },
  {
    id: 'heif',
    type: 'image',
    extensions: ['.avif', '.heic', '.heif'],
    magic: (h) => startsWith(h, ascii('ftyp'), 4) && ['avif', 'avis', 'heic', 'heix', 'mif1', 'msf1'].some((b) => startsWith(h, ascii(b), 8)),
  },
  { id: 'dpx', type: 'image', extensions: ['.dpx'], magic: (h) => startsWith(h, ascii('SDPX')) || startsWith(h, ascii('XPDS')) },
  { id: 'cineon', type: 'image', extensions: ['.cin'], magic: (h) => startsWith(h, [0x80, 0x2a, 0x5f, 0xd7]) },
  { id: 'hdr', type: 'image', extensions: ['.hdr', '.rgbe'], magic: (h) => startsWith(h, ascii('#?RADIANCE')) || startsWith(h, ascii('#?RGBE')) },
  { id: 'psd', type: 'image', extensions: ['.psd'], magic: (h) => startsWith(h, ascii('8BPS')) },
  { id: 'bmp', type: 'image', extensions: ['.bmp'], magic: (h) => startsWith(h, ascii('BM')) && h.length >= 26 },
  { id: 'tga', type: 'image', extensions: ['.tga'] },
  { id: 'jxl', type: 'image', extensions: ['.jxl'], magic: (h) => startsWith(h, [0xff, 0x0a]) },
  { id: 'vdb', type: 'volume', extensions: ['.vdb'], magic: (h) => startsWith(h, [0x20, 0x42, 0x44, 0x56]) },
  { id: 'field3d', type: 'volume', extensions: ['.f3d'] },
  { id: 'alembic', type: 'cache', extensions: ['.abc'], magic: (h) => startsWith(h, ascii('Ogawa')) },
  { id: 'usd', type: 'cache', extensions: ['.usd', '.usda', '.usdc', '.usdz'], magic: (h) => startsWith(h, ascii('PXR-USDC')) || startsWith(h, ascii('#usda')) },
  { id: 'bgeo', type: 'particles', extensions: ['.bgeo', '.bgeo.gz', '.bgeo.sc', '.bhclassic', '.geo', '.geo.gz', '.hclassic'] },
  { id: 'prt', type: 'particles', extensions: ['.prt'], magic: (h) => startsWith(h, [0xc0, 0x50, 0x52, 0x54, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { id: 'pdc', type: 'particles', extensions: ['.pdc'], magic: (h) => startsWith(h, ascii('PDC ')) },
  { id: 'pda', type: 'particles', extensions: ['.pda', '.pdb'] },
  { id: 'realflow', type: 'particles', extensions: ['.bin'] },
  { id: 'ptc', type: 'particles', extensions: ['.ptc'] },
  { id: 'ply', type: 'particles', extensions: ['.ply'], magic: (h) => startsWith(h, ascii('ply\n')) || startsWith(h, ascii('ply\r\n')) },
  { id: 'points-text', type: 'particles', extensions: ['.xyz', '.pts'] },
];

const byExtension = new Map<string, FileFormat>();
for (const format of fileFormats) for (const extension of format.extensions) byExtension.set(extension, format);

/** The format a file name's extension stands for, longest extension first (`.bgeo.sc` before `.sc`). */
export function formatForName(name: string): FileFormat | undefined {
  const lower = name.toLowerCase();
  const slash = Math.max(lower.lastIndexOf('/'), lower.lastIndexOf('\\'));
  const base = lower.slice(slash + 1);
  let dot = base.indexOf('.', 1);
  while (dot !== -1) {
    const format = byExtension.get(base.slice(dot));
    if (format) return format;
    dot = base.indexOf('.', dot + 1);
  }
  return undefined;
}

/** The format a file's first bytes (16 are enough) identify, if any. */
export function formatForBytes(head: Uint8Array): FileFormat | undefined {
  for (const format of fileFormats) if (format.magic?.(head)) return format;
  return undefined;
}

/** Magic bytes first, then the extension. */
export function detectFormat(name: string, head?: Uint8Array): FileFormat | undefined {
  return (head && formatForBytes(head)) || formatForName(name);
}

/** The file type of a name by its extension alone ('other' when unknown). */
export function fileTypeForName(name: string): FileType {
  return formatForName(name)?.type ?? 'other';
}
