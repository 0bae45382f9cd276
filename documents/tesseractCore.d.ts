/** The part of Tesseract's WebAssembly build (tesseract.js-core) the reader uses; the package ships no types. */
declare module 'tesseract.js-core/tesseract-core-simd-lstm.js' {
  namespace createTesseract {
    interface TessBaseApi {
      /** 0 when the languages' packs were found under `dataPath` and loaded. */
      Init(dataPath: string, languages: string, engineMode: number): number;
      /** Reads the picture at /input (PNG, JPEG, PNM, …); 1 when it cannot be read. */
      SetImageFile(exifOrientation: number, angle: number): number;
      Recognize(monitor: null): number;
      GetUTF8Text(): string;
      /** The words' mean confidence, 0–100. */
      MeanTextConf(): number;
      Clear(): void;
      End(): void;
    }
    interface Tesseract {
      FS: { writeFile(path: string, data: Uint8Array): void; unlink(path: string): void };
      TessBaseAPI: new () => TessBaseApi;
    }
  }
  function createTesseract(options: Record<string, unknown>): Promise<createTesseract.Tesseract>;
  export = createTesseract;
}
