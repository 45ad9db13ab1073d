import dcmjs from 'dcmjs';

/** A naturalized DICOM dataset as dcmjs represents it (keyword → value). */
export type Dataset = Record<string, unknown>;

const explicitLittleEndian = '1.2.840.10008.1.2.1';
/** Pleura's implementation class UID (2.25 form, fixed). */
const implementationClassUid = '2.25.233196150591183917409355389466370350977';

/**
 * Runs a synchronous dcmjs call with its logger silenced: dcmjs warns on stderr about every private or
 * odd attribute of the source ("Unknown name in dataset", "Truncating value"...), which is noise for a
 * user of `pleura export`. The level is restored at once (the call is synchronous, nothing interleaves).
 */
export function quietly<T>(run: () => T): T {
  const log = dcmjs.log as { getLevel(): number; setLevel(level: number | string, persist?: boolean): void };
  const level = log.getLevel();
  log.setLevel('silent', false);
  try {
    return run();
  } finally {
    log.setLevel(level, false);
  }
}

/** A DICOM file read into a naturalized dataset, with its file meta (transfer syntax) alongside. */
export function readDicom(bytes: Uint8Array): Dataset {
  return readDicomFile(bytes).dataset;
}

export function readDicomFile(bytes: Uint8Array): { dataset: Dataset; transferSyntax: string } {
  return quietly(() => {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const dict = dcmjs.data.DicomMessage.readFile(buffer);
    const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.meta) as Dataset;
    return { dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict) as Dataset, transferSyntax: String(meta.TransferSyntaxUID ?? '1.2.840.10008.1.2') };
  });
}

/**
 * Writes a dataset as a DICOM Part 10 file. `transferSyntax` defaults to Explicit VR Little Endian; an
 * encapsulated syntax keeps the dataset's PixelData fragments as they are (a de-identified copy of a
 * compressed film).
 */
export function writeDicom(dataset: Dataset, transferSyntax = explicitLittleEndian): Buffer {
  return quietly(() => {
    const { DicomMetaDictionary, DicomDict } = dcmjs.data;
    const meta = {
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: dataset.SOPClassUID,
      MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
      TransferSyntaxUID: transferSyntax,
      ImplementationClassUID: implementationClassUid,
      ImplementationVersionName: 'PLEURA_0_1',
    };
    const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
    const vrMap = { ...((dataset._vrMap as Record<string, string> | undefined) ?? {}), PixelData: (dataset._vrMap as Record<string, string> | undefined)?.PixelData ?? 'OB' };
    dict.dict = DicomMetaDictionary.denaturalizeDataset({ ...dataset, _vrMap: vrMap });
    return Buffer.from(dict.write() as ArrayBuffer);
  });
}
