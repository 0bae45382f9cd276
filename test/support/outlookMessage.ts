/**
 * An Outlook message (.msg) the way Outlook saves one: an OLE compound file whose
 * streams are MAPI properties ([MS-OXMSG]): strings as `__substg1.0_<tag>` streams
 * (UTF-16LE, type 001F), fixed-size ones such as the submit time in the
 * `__properties_version1.0` stream, and one storage per recipient. Written with the
 * compound-file writer that ships with @kenjiuno/msgreader.
 */
import { burn, type Entry } from '@kenjiuno/msgreader/lib/Burner';
import { TypeEnum } from '@kenjiuno/msgreader/lib/Reader';

export interface OutlookSample {
  subject: string;
  body: string;
  senderName: string;
  senderEmail: string;
  /** PidTagClientSubmitTime: when the sender sent it. */
  sentAt: Date;
  recipients: readonly { name: string; email: string }[];
}

/** In an ArrayBuffer of its own: small Buffers share a pool, and the writer reads the whole ArrayBuffer. */
const utf16 = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'utf16le'));

/** A `__properties_version1.0` stream: a header (32 bytes for a message, 8 for a recipient), then 16 bytes per property. */
function propertyStream(headerBytes: number, times: readonly { tag: number; at: Date }[]): Buffer {
  const stream = Buffer.alloc(headerBytes + 16 * times.length);
  times.forEach(({ tag, at }, i) => {
    const offset = headerBytes + 16 * i;
    stream.writeUInt32LE(tag, offset);
    stream.writeUInt32LE(0x6, offset + 4); // readable and writable
    // FILETIME: 100-ns ticks since 1601-01-01.
    stream.writeBigUInt64LE((BigInt(at.getTime()) + 11_644_473_600_000n) * 10_000n, offset + 8);
  });
  return stream;
}

export function outlookMessage(sample: OutlookSample): Buffer {
  const entries: Entry[] = [{ name: 'Root Entry', type: TypeEnum.ROOT, length: 0, children: [] }];
  const add = (parent: Entry, name: string, bytes?: Uint8Array): Entry => {
    const entry: Entry = bytes
      ? { name, type: TypeEnum.DOCUMENT, length: bytes.length, binaryProvider: () => bytes }
      : { name, type: TypeEnum.DIRECTORY, length: 0, children: [] };
    parent.children?.push(entries.push(entry) - 1);
    return entry;
  };
  const root = entries[0];
  add(root, '__substg1.0_001A001F', utf16('IPM.Note'));
  add(root, '__substg1.0_0037001F', utf16(sample.subject));
  add(root, '__substg1.0_1000001F', utf16(sample.body));
  add(root, '__substg1.0_0C1A001F', utf16(sample.senderName));
  add(root, '__substg1.0_0C1F001F', utf16(sample.senderEmail));
  add(root, '__substg1.0_0065001F', utf16(sample.senderEmail)); // PidTagSentRepresentingEmailAddress
  const header = propertyStream(32, [{ tag: 0x00390040, at: sample.sentAt }]);
  header.writeUInt32LE(sample.recipients.length, 8); // next recipient id
  header.writeUInt32LE(sample.recipients.length, 16); // recipient count
  add(root, '__properties_version1.0', header);
  sample.recipients.forEach((recipient, i) => {
    const storage = add(root, `__recip_version1.0_#${String(i).padStart(8, '0')}`);
    add(storage, '__substg1.0_3001001F', utf16(recipient.name));
    add(storage, '__substg1.0_39FE001F', utf16(recipient.email)); // PidTagSmtpAddress
    add(storage, '__substg1.0_3003001F', utf16(recipient.email));
    add(storage, '__properties_version1.0', propertyStream(8, []));
  });
  return Buffer.from(burn(entries));
}
