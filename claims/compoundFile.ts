/**
 * Tells legacy Office files (.doc, .xls, .ppt) and Outlook messages (.msg) apart.
 * All four are OLE compound files; what differs is the names in the file's
 * directory, and the root entry's class id. The directory can sit anywhere in
 * the file (often at the end), so the scanner looks at the bytes as they stream
 * past instead of asking for them up front: every directory entry is a 128-byte
 * record at a file offset that is a multiple of 128, because sectors are 512 or
 * 4096 bytes and start right after the 512-byte header. Memory stays one record.
 */
import type { EvidenceKind } from './model';

export type CompoundFileKind = Extract<EvidenceKind, 'doc' | 'xls' | 'ppt' | 'msg'>;

export const COMPOUND_FILE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const HEADER_BYTES = 512;
const RECORD_BYTES = 128;
const SECTOR_SHIFT_OFFSET = 30;
const FIRST_DIRECTORY_SECTOR_OFFSET = 48;
const NAME_LENGTH_OFFSET = 64;
const TYPE_OFFSET = 66;
const COLOR_OFFSET = 67;
const CLSID_OFFSET = 80;
const STORAGE = 1;
const STREAM = 2;
const ROOT = 5;

/**
 * Root class ids as the writing application sets them. They decide before names do,
 * because names also appear in embedded objects (a .doc with an Excel chart holds a
 * "Workbook" stream). A known foreign class (an installer) settles it as refused.
 */
const ROOT_CLASSES: Readonly<Record<string, CompoundFileKind | 'foreign'>> = {
  '00020906-0000-0000-c000-000000000046': 'doc', // Word 97-2003
  '00020900-0000-0000-c000-000000000046': 'doc', // Word 6/95
  '00020820-0000-0000-c000-000000000046': 'xls', // Excel 97-2003
  '00020810-0000-0000-c000-000000000046': 'xls', // Excel 5/95
  '64818d10-4f9b-11cf-86ea-00aa00b929e8': 'ppt', // PowerPoint 97-2003
  '00020d0b-0000-0000-c000-000000000046': 'msg', // Outlook message
  '000c1084-0000-0000-c000-000000000046': 'foreign', // Windows Installer package
  '000c1086-0000-0000-c000-000000000046': 'foreign', // Windows Installer patch
  '000c1082-0000-0000-c000-000000000046': 'foreign', // Windows Installer transform
};

/** Without a class id: the container's own stream first (a message may attach any of the others). */
const NAME_PRIORITY: readonly CompoundFileKind[] = ['msg', 'ppt', 'doc', 'xls'];

function kindOfEntryName(name: string): CompoundFileKind | undefined {
  if (name === 'WordDocument') return 'doc';
  if (name === 'Workbook' || name === 'Book') return 'xls';
  if (name === 'PowerPoint Document') return 'ppt';
  if (name.startsWith('__substg1.0_') || name === '__properties_version1.0' || name === '__nameid_version1.0')
    return 'msg';
  return undefined;
}

export function isCompoundFile(bytes: Uint8Array): boolean {
  return (
    bytes.length >= COMPOUND_FILE_SIGNATURE.length && COMPOUND_FILE_SIGNATURE.every((byte, i) => bytes[i] === byte)
  );
}

/** A class id in its usual text form (the first three groups are stored little-endian). */
export function classIdText(bytes: Uint8Array): string {
  const hex = (from: number, to: number, reverse: boolean): string => {
    const part = Array.from(bytes.subarray(from, to), (b) => b.toString(16).padStart(2, '0'));
    return (reverse ? part.reverse() : part).join('');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}

interface DirectoryEntry {
  name: string;
  type: number;
  classId: string;
}

/** The record as a directory entry, or undefined when its fields cannot be one. */
function directoryEntry(record: Uint8Array): DirectoryEntry | undefined {
  const view = new DataView(record.buffer, record.byteOffset, RECORD_BYTES);
  const nameBytes = view.getUint16(NAME_LENGTH_OFFSET, true);
  if (nameBytes < 4 || nameBytes > 64 || nameBytes % 2 !== 0) return undefined;
  const type = record[TYPE_OFFSET];
  if (type !== STORAGE && type !== STREAM && type !== ROOT) return undefined;
  if (record[COLOR_OFFSET] > 1) return undefined;
  const units: number[] = [];
  for (let at = 0; at < nameBytes - 2; at += 2) {
    const unit = view.getUint16(at, true);
    if (unit === 0) return undefined;
    units.push(unit);
  }
  if (view.getUint16(nameBytes - 2, true) !== 0) return undefined;
  return {
    name: String.fromCharCode(...units),
    type,
    classId: classIdText(record.subarray(CLSID_OFFSET, CLSID_OFFSET + 16)),
  };
}

/** The file offset of the first directory sector, whose first entry is the root; -1 if the header is odd. */
function rootEntryOffset(header: Uint8Array): number {
  const view = new DataView(header.buffer, header.byteOffset, RECORD_BYTES);
  const sectorShift = view.getUint16(SECTOR_SHIFT_OFFSET, true);
  if (sectorShift !== 9 && sectorShift !== 12) return -1;
  return (view.getUint32(FIRST_DIRECTORY_SECTOR_OFFSET, true) + 1) * 2 ** sectorShift;
}

export class CompoundFileScanner {
  private readonly record = new Uint8Array(RECORD_BYTES);
  private filled = 0;
  private offset = 0;
  /** Where the root entry is, from the header; class ids anywhere else belong to embedded files. */
  private rootOffset = -1;
  private rootClass: CompoundFileKind | 'foreign' | undefined;
  private readonly namedKinds = new Set<CompoundFileKind>();

  /** Feed the file from its first byte on, in any chunking. */
  write(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.filled === 0 && chunk.length - at >= RECORD_BYTES) {
        this.inspect(chunk.subarray(at, at + RECORD_BYTES));
        at += RECORD_BYTES;
        continue;
      }
      const take = Math.min(RECORD_BYTES - this.filled, chunk.length - at);
      this.record.set(chunk.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === RECORD_BYTES) {
        this.filled = 0;
        this.inspect(this.record);
      }
    }
  }

  /** The kind once the whole file went through; undefined when it is none of ours. */
  kind(): CompoundFileKind | undefined {
    if (this.rootClass !== undefined) return this.rootClass === 'foreign' ? undefined : this.rootClass;
    return NAME_PRIORITY.find((kind) => this.namedKinds.has(kind));
  }

  private inspect(record: Uint8Array): void {
    const recordOffset = this.offset;
    this.offset += RECORD_BYTES;
    if (recordOffset === 0) this.rootOffset = rootEntryOffset(record);
    if (recordOffset < HEADER_BYTES) return;
    const entry = directoryEntry(record);
    if (!entry) return;
    if (recordOffset === this.rootOffset && entry.type === ROOT) {
      this.rootClass = ROOT_CLASSES[entry.classId];
      return;
    }
    const kind = kindOfEntryName(entry.name);
    if (kind) this.namedKinds.add(kind);
  }
}
