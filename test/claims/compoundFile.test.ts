import assert from 'node:assert/strict';
import { CompoundFileScanner, classIdText, isCompoundFile } from '../../claims/compoundFile';
import { CLASS_IDS, compoundFile, minimalPdf } from '../support/evidenceSamples';

function kindOf(bytes: Buffer) {
  const scanner = new CompoundFileScanner();
  scanner.write(bytes);
  return scanner.kind();
}

describe('compound file scanner', () => {
  it('recognises the compound-file signature only', () => {
    assert.ok(isCompoundFile(compoundFile({ names: [] })));
    assert.ok(!isCompoundFile(minimalPdf()));
    assert.ok(!isCompoundFile(Buffer.from([0xd0, 0xcf, 0x11])));
  });

  it('reads class ids in their text form (first three groups little-endian)', () => {
    const bytes = Buffer.from('0609020000000000c000000000000046', 'hex');
    assert.equal(classIdText(bytes), CLASS_IDS.word);
  });

  it("lets the root's class id decide over names from embedded objects", () => {
    assert.equal(
      kindOf(compoundFile({ names: ['WordDocument', 'ObjectPool', 'Workbook'], rootClassId: CLASS_IDS.word })),
      'doc',
    );
    assert.equal(
      kindOf(compoundFile({ names: ['MBD0001', 'WordDocument', 'Workbook'], rootClassId: CLASS_IDS.excel })),
      'xls',
    );
    assert.equal(kindOf(compoundFile({ names: [], rootClassId: CLASS_IDS.powerPoint })), 'ppt');
    assert.equal(
      kindOf(
        compoundFile({
          names: ['__attach_version1.0_#00000000', 'WordDocument'],
          rootClassId: CLASS_IDS.outlookMessage,
        }),
      ),
      'msg',
    );
  });

  it('without a class id, prefers the container stream: a message attaching a document is a message', () => {
    assert.equal(kindOf(compoundFile({ names: ['WordDocument', '__substg1.0_3701000D'] })), 'msg');
    assert.equal(kindOf(compoundFile({ names: ['Workbook', 'PowerPoint Document'] })), 'ppt');
  });

  it('ignores a root-like entry that is not where the header says the directory starts', () => {
    const file = compoundFile({ names: ['WordDocument'], sectorsBeforeDirectory: 2 });
    // An embedded file's root, carrying a foreign class id, sits in the filler before the directory.
    const embedded = compoundFile({ names: [], rootClassId: CLASS_IDS.installer }).subarray(512, 640);
    embedded.copy(file, 512);
    assert.equal(kindOf(file), 'doc');
  });

  it('does not take text inside a stream for a directory entry', () => {
    const file = compoundFile({ names: [], sectorsBeforeDirectory: 1 });
    // "WordDocument" as UTF-16 text at a record boundary, but without a valid name length and type.
    Buffer.from('WordDocument', 'utf16le').copy(file, 512);
    assert.equal(kindOf(file), undefined);
  });
});
