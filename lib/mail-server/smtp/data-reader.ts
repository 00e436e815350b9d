// The DATA phase's byte decoder (RFC 5321 §4.1.1.4, §4.5.2): finds the end of data and
// removes dot-stuffing. Only <CRLF>.<CRLF> ends the data: a bare LF or CR is never a line
// end, so <LF>.<LF>, <CR>.<LF> or <LF>.<CR><LF> can't cut a message in two (SMTP smuggling,
// CVE-2023-51764 and its relatives). Bare CR or LF is recorded so the message can be refused.

export class DotDataDecoder {
  /** Everything of the message, dot-unstuffed, up to the size limit. */
  readonly chunks: Buffer[] = [];
  size = 0;
  overflow = false;
  bareLineEnding = false;
  done = false;
  private atLineStart = true;

  constructor(private readonly maxSize: number) {}

  private emit(piece: Buffer) {
    if (!piece.length) return;
    const room = this.maxSize - this.size;
    if (room > 0) this.chunks.push(room >= piece.length ? piece : piece.subarray(0, room));
    this.size += piece.length;
    if (this.size > this.maxSize) this.overflow = true;
  }

  private noteBareCr(piece: Buffer) {
    if (!this.bareLineEnding && piece.includes(13)) this.bareLineEnding = true;
  }

  /**
   * Consumes input; returns how many bytes were used. Bytes left over belong to the next
   * command (pipelining) or are an undecided tail to be given again with more input.
   */
  write(input: Buffer): number {
    let pos = 0;
    while (pos < input.length && !this.done) {
      if (this.atLineStart && input[pos] === 0x2e) {
        // ".\r\n" ends the data; "." followed by anything else is a stuffed dot.
        if (pos + 1 >= input.length) return pos;
        if (input[pos + 1] === 13) {
          if (pos + 2 >= input.length) return pos;
          if (input[pos + 2] === 10) {
            this.done = true;
            return pos + 3;
          }
        }
        pos += 1;
      }
      const lf = input.indexOf(10, pos);
      if (lf === -1) {
        // No line end yet: keep a trailing CR, it may be half of a CRLF.
        let end = input.length;
        if (input[end - 1] === 13) end -= 1;
        if (end === pos) return pos;
        const piece = input.subarray(pos, end);
        this.noteBareCr(piece);
        this.emit(piece);
        this.atLineStart = false;
        pos = end;
        continue;
      }
      const crlf = lf > pos && input[lf - 1] === 13;
      if (!crlf) this.bareLineEnding = true;
      this.noteBareCr(input.subarray(pos, crlf ? lf - 1 : lf));
      this.emit(input.subarray(pos, lf + 1));
      this.atLineStart = crlf;
      pos = lf + 1;
    }
    return pos;
  }

  message(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
