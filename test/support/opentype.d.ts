/** The part of opentype.js the test images use (the package ships no types). */
declare module 'opentype.js' {
  export type PathCommand =
    | { type: 'M'; x: number; y: number }
    | { type: 'L'; x: number; y: number }
    | { type: 'Q'; x1: number; y1: number; x: number; y: number }
    | { type: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
    | { type: 'Z' };
  export interface Font {
    getPath(text: string, x: number, y: number, fontSize: number): { commands: PathCommand[] };
    getAdvanceWidth(text: string, fontSize: number): number;
    charToGlyphIndex(char: string): number;
  }
  export function parse(buffer: ArrayBuffer): Font;
}
