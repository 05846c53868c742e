/** 1-based line and column (UTF-16 code units), and the 0-based character offset. */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/**
 * The text of a SQL source, with the mapping the parser needs: libpg_query reports UTF-8 byte offsets,
 * editors want lines and columns.
 */
export class SourceText {
  readonly text: string;
  readonly #bytes: Buffer;
  readonly #lineStarts: number[];
  readonly #asciiOnly: boolean;
  // byte→char conversion walks forward from the last answer: parser offsets arrive mostly in order
  #cursorByte = 0;
  #cursorChar = 0;

  constructor(text: string) {
    this.text = text;
    this.#bytes = Buffer.from(text, 'utf8');
    this.#asciiOnly = this.#bytes.length === text.length;
    this.#lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.#lineStarts.push(i + 1);
    }
  }

  /** The text as UTF-8 (shared: do not modify). */
  get bytes(): Buffer {
    return this.#bytes;
  }

  get byteLength(): number {
    return this.#bytes.length;
  }

  /** Character offset of a UTF-8 byte offset. */
  charOffset(byteOffset: number): number {
    if (this.#asciiOnly) return Math.min(byteOffset, this.text.length);
    const target = Math.max(0, Math.min(byteOffset, this.#bytes.length));
    if (target < this.#cursorByte) {
      this.#cursorByte = 0;
      this.#cursorChar = 0;
    }
    this.#cursorChar += this.#bytes.subarray(this.#cursorByte, target).toString('utf8').length;
    this.#cursorByte = target;
    return this.#cursorChar;
  }

  /** The text between two byte offsets. */
  sliceBytes(start: number, end: number): string {
    if (this.#asciiOnly) return this.text.slice(start, end);
    return this.#bytes.subarray(start, end).toString('utf8');
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.#lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#lineStarts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - this.#lineStarts[low]! + 1, offset: clamped };
  }

  positionAtByte(byteOffset: number): Position {
    return this.positionAt(this.charOffset(byteOffset));
  }

  /** Character offset where a 1-based line starts. */
  lineStart(line: number): number {
    return this.#lineStarts[Math.max(0, Math.min(line - 1, this.#lineStarts.length - 1))]!;
  }

  get lineCount(): number {
    return this.#lineStarts.length;
  }
}
