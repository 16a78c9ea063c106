/**
 * Which bash quoting applies where: a small scanner over a script (the commands of one Commands
 * action, joined by newlines, as the worker runs them with `bash -e`), telling for given spans of text
 * (variable references) how bash would read a word at that place. It knows quotes ('…', "…", $'…',
 * $"…"), backslashes, command substitution ($(…), `…`), arithmetic ($((…)), ((…))), comments and
 * here-documents. It is no full parser: `case` patterns inside $(…) and ${…} nesting are not followed.
 */
export interface Span {
  start: number;
  end: number;
}

/** How bash reads a word at one span; `afterBackslash`/`afterDollar`: an active `\` or `$` right before it. */
export type ShellQuoting =
  | { kind: 'Unquoted'; afterBackslash: boolean; afterDollar: boolean }
  | { kind: 'DoubleQuoted'; afterBackslash: boolean; afterDollar: boolean }
  | { kind: 'SingleQuoted' }
  | { kind: 'AnsiCQuoted'; afterBackslash: boolean }
  /** The body of a here-document whose delimiter is unquoted: expanded like double quotes, quotes are plain characters. */
  | { kind: 'HereDocument'; afterBackslash: boolean; afterDollar: boolean }
  /** The body of a here-document whose delimiter is quoted (`<<'EOF'`): never expanded nor parsed. */
  | { kind: 'QuotedHereDocument'; delimiter: string }
  | { kind: 'Arithmetic' };

type Frame =
  /** Shell code: the script itself, the inside of $(…) or `…` (closer) or of $((…)) / ((…)) (arithmetic). */
  | { kind: 'Code'; closer: 'end' | ')' | '`'; depth: number; arithmetic: boolean; inDoubleQuotes: boolean; start: number }
  /** `byEscapedQuote`: opened by \" inside `…` inside double quotes, where \" is a quote. */
  | { kind: 'DoubleQuoted'; byEscapedQuote: boolean }
  | { kind: 'SingleQuoted' }
  | { kind: 'AnsiCQuoted' }
  | { kind: 'HereDocument'; delimiter: string; stripsTabs: boolean };

interface PendingHereDocument {
  delimiter: string;
  quoted: boolean;
  stripsTabs: boolean;
}

const WORD_BREAKS = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/** The quoting at each span; spans must be sorted and must not overlap. Each span reads as part of a word. */
export function quotingAt(script: string, spans: readonly Span[]): ShellQuoting[] {
  return new QuotingScanner(script, spans).scan();
}

class QuotingScanner {
  private readonly stack: Frame[] = [{ kind: 'Code', closer: 'end', depth: 0, arithmetic: false, inDoubleQuotes: false, start: 0 }];
  private readonly found: ShellQuoting[] = [];
  private readonly pending: PendingHereDocument[] = [];
  private next = 0;
  private position = 0;
  private escapeAt = -1;
  private dollarAt = -1;

  constructor(
    private readonly text: string,
    private readonly spans: readonly Span[],
  ) {}

  scan(): ShellQuoting[] {
    while (this.position < this.text.length && this.next < this.spans.length) {
      const frame = this.stack[this.stack.length - 1]!;
      if (frame.kind === 'HereDocument' && this.atLineStart() && this.endsHereDocument(frame.delimiter, frame.stripsTabs)) continue;
      const span = this.spans[this.next];
      if (span && span.start === this.position) {
        this.found.push(this.quotingOf(frame));
        this.next += 1;
        this.position = span.end;
        continue;
      }
      switch (frame.kind) {
        case 'Code':
          this.code(frame);
          break;
        case 'DoubleQuoted':
          this.doubleQuoted(frame);
          break;
        case 'SingleQuoted':
          this.singleQuoted();
          break;
        case 'AnsiCQuoted':
          this.ansiCQuoted();
          break;
        case 'HereDocument':
          this.hereDocument();
          break;
      }
    }
    // Spans after the end of what bash reads (e.g. past an unterminated quote) keep the innermost quoting.
    while (this.found.length < this.spans.length) this.found.push(this.quotingOf(this.stack[this.stack.length - 1]!));
    return this.found;
  }

  private quotingOf(frame: Frame): ShellQuoting {
    const afterBackslash = this.escapeAt === this.position - 1;
    const afterDollar = this.dollarAt === this.position - 1;
    switch (frame.kind) {
      case 'Code':
        return frame.arithmetic ? { kind: 'Arithmetic' } : { kind: 'Unquoted', afterBackslash, afterDollar };
      case 'DoubleQuoted':
        return { kind: 'DoubleQuoted', afterBackslash, afterDollar };
      case 'SingleQuoted':
        return { kind: 'SingleQuoted' };
      case 'AnsiCQuoted':
        return { kind: 'AnsiCQuoted', afterBackslash };
      case 'HereDocument':
        return { kind: 'HereDocument', afterBackslash, afterDollar };
    }
  }

  private code(frame: Extract<Frame, { kind: 'Code' }>): void {
    const c = this.text[this.position]!;
    const following = this.text[this.position + 1];
    if (c === '\\') {
      if (frame.closer === '`' && frame.inDoubleQuotes && following === '"') return this.open({ kind: 'DoubleQuoted', byEscapedQuote: true }, 2);
      return this.escape();
    }
    if (c === "'") return this.open({ kind: 'SingleQuoted' }, 1);
    if (c === '"') return this.open({ kind: 'DoubleQuoted', byEscapedQuote: false }, 1);
    if (c === '`') return this.backtick(false);
    if (c === '$') {
      if (following === "'") return this.open({ kind: 'AnsiCQuoted' }, 2);
      if (following === '"') return this.open({ kind: 'DoubleQuoted', byEscapedQuote: false }, 2);
      return this.dollar();
    }
    if (c === '(' && following === '(' && !frame.arithmetic) return this.openCode(')', { arithmetic: true, depth: 1 }, 2);
    if (c === '(') {
      frame.depth += 1;
    } else if (c === ')') {
      if (frame.depth > 0) frame.depth -= 1;
      else if (frame.closer === ')') this.stack.pop();
    } else if (c === '#' && !frame.arithmetic && (this.atWordStart() || this.position === frame.start)) {
      return this.comment();
    } else if (c === '<' && following === '<' && !frame.arithmetic) {
      return this.hereDocumentOperator();
    } else if (c === '\n' && this.pending.length > 0) {
      this.position += 1;
      return this.startHereDocument();
    }
    this.position += 1;
  }

  private doubleQuoted(frame: Extract<Frame, { kind: 'DoubleQuoted' }>): void {
    const c = this.text[this.position]!;
    if (c === '\\') {
      if (frame.byEscapedQuote && this.text[this.position + 1] === '"') return this.close(2);
      return this.escape();
    }
    if (c === '"') return this.close(1);
    if (c === '`') return this.backtick(true);
    if (c === '$') return this.dollar();
    this.position += 1;
  }

  private singleQuoted(): void {
    const c = this.text[this.position]!;
    if (c === "'") return this.close(1);
    // Inside `…` the backtick ends the substitution even between single quotes, and \` is a plain backtick.
    if (this.insideBackticks() && c === '\\' && this.text[this.position + 1] === '`') {
      this.position += 2;
      return;
    }
    if (c === '`' && this.insideBackticks()) return this.backtick(false);
    this.position += 1;
  }

  private ansiCQuoted(): void {
    const c = this.text[this.position]!;
    if (c === '\\') return this.escape();
    if (c === "'") return this.close(1);
    if (c === '`' && this.insideBackticks()) return this.backtick(false);
    this.position += 1;
  }

  private hereDocument(): void {
    const c = this.text[this.position]!;
    if (c === '\\') return this.escape();
    if (c === '`') return this.backtick(false);
    if (c === '$') return this.dollar();
    this.position += 1;
  }

  /** To the end of the line; inside `…` bash found the closing backtick before, so the comment ends there. */
  private comment(): void {
    const lineEnd = this.lineEnd();
    if (this.insideBackticks()) {
      for (let cursor = this.position; cursor < lineEnd; cursor += 1) {
        if (this.text[cursor] === '\\') cursor += 1;
        else if (this.text[cursor] === '`') {
          this.position = cursor;
          return;
        }
      }
    }
    this.position = lineEnd;
  }

  /** `$(`, `$((` or a plain `$` (remembered: a reference right after it is `$` followed by the value). */
  private dollar(): void {
    if (this.text.startsWith('$((', this.position)) return this.openCode(')', { arithmetic: true, depth: 1 }, 3);
    if (this.text.startsWith('$(', this.position)) return this.openCode(')', {}, 2);
    this.dollarAt = this.position;
    this.position += 1;
  }

  /** A backslash quotes the next character, unless that is a span: the span then starts after a backslash. */
  private escape(): void {
    if (this.spans[this.next]?.start === this.position + 1) {
      this.escapeAt = this.position;
      this.position += 1;
    } else {
      this.position += 2;
    }
  }

  /** The first unescaped backtick inside `…` ends it, whatever quotes are open in between. */
  private backtick(inDoubleQuotes: boolean): void {
    const index = this.innermostBacktick();
    if (index > 0) {
      this.stack.length = index;
      this.position += 1;
      return;
    }
    this.openCode('`', { inDoubleQuotes }, 1);
  }

  private insideBackticks(): boolean {
    return this.innermostBacktick() > 0;
  }

  /** The stack index of the innermost `…`, or -1. */
  private innermostBacktick(): number {
    for (let index = this.stack.length - 1; index > 0; index -= 1) {
      const frame = this.stack[index]!;
      if (frame.kind === 'Code' && frame.closer === '`') return index;
    }
    return -1;
  }

  private open(frame: Frame, length: number): void {
    this.stack.push(frame);
    this.position += length;
  }

  /** Code inside $(…), `…`, $((…)) or ((…)); a `#` at its very start begins a comment. */
  private openCode(closer: ')' | '`', options: { arithmetic?: boolean; depth?: number; inDoubleQuotes?: boolean }, length: number): void {
    const { arithmetic = false, depth = 0, inDoubleQuotes = false } = options;
    this.open({ kind: 'Code', closer, depth, arithmetic, inDoubleQuotes, start: this.position + length }, length);
  }

  private close(length: number): void {
    if (this.stack.length > 1) this.stack.pop();
    this.position += length;
  }

  private atWordStart(): boolean {
    return this.position === 0 || WORD_BREAKS.has(this.text[this.position - 1]!);
  }

  private atLineStart(): boolean {
    return this.position === 0 || this.text[this.position - 1] === '\n';
  }

  /** `<<word`, `<<-word` (body lines lose leading tabs); `<<<` is a here-string. The body starts at the next newline. */
  private hereDocumentOperator(): void {
    if (this.text[this.position + 2] === '<') {
      this.position += 3;
      return;
    }
    let cursor = this.position + 2;
    const stripsTabs = this.text[cursor] === '-';
    if (stripsTabs) cursor += 1;
    while (this.text[cursor] === ' ' || this.text[cursor] === '\t') cursor += 1;
    let delimiter = '';
    let quoted = false;
    while (cursor < this.text.length && !WORD_BREAKS.has(this.text[cursor]!)) {
      // `$'EOF'` and `$"EOF"` quote like 'EOF' and "EOF" there.
      if (this.text[cursor] === '$' && (this.text[cursor + 1] === "'" || this.text[cursor + 1] === '"')) cursor += 1;
      const c = this.text[cursor]!;
      if (c === "'" || c === '"') {
        const end = this.text.indexOf(c, cursor + 1);
        const close = end === -1 ? this.text.length : end;
        delimiter += this.text.slice(cursor + 1, close);
        quoted = true;
        cursor = close + 1;
      } else if (c === '\\') {
        delimiter += this.text[cursor + 1] ?? '';
        quoted = true;
        cursor += 2;
      } else {
        delimiter += c;
        cursor += 1;
      }
    }
    if (delimiter !== '' || quoted) this.pending.push({ delimiter, quoted, stripsTabs });
    this.position = Math.max(cursor, this.position + 2);
  }

  /** At the start of a line after a here-document operator: reads the body of the next pending one. */
  private startHereDocument(): void {
    const hereDocument = this.pending.shift();
    if (!hereDocument) return;
    if (!hereDocument.quoted) {
      this.stack.push({ kind: 'HereDocument', delimiter: hereDocument.delimiter, stripsTabs: hereDocument.stripsTabs });
      return;
    }
    while (this.position < this.text.length) {
      const lineEnd = this.lineEnd();
      if (this.isDelimiterLine(hereDocument.delimiter, hereDocument.stripsTabs, lineEnd)) {
        this.position = Math.min(lineEnd + 1, this.text.length);
        return this.startHereDocument();
      }
      for (let span = this.spans[this.next]; span && span.start < lineEnd; span = this.spans[this.next]) {
        this.found.push({ kind: 'QuotedHereDocument', delimiter: hereDocument.delimiter });
        this.next += 1;
      }
      this.position = lineEnd + 1;
    }
  }

  /** At a line start in an unquoted here-document: the delimiter line ends it (and starts the next pending one). */
  private endsHereDocument(delimiter: string, stripsTabs: boolean): boolean {
    const lineEnd = this.lineEnd();
    if (!this.isDelimiterLine(delimiter, stripsTabs, lineEnd)) return false;
    this.stack.pop();
    this.position = Math.min(lineEnd + 1, this.text.length);
    this.startHereDocument();
    return true;
  }

  private lineEnd(): number {
    const end = this.text.indexOf('\n', this.position);
    return end === -1 ? this.text.length : end;
  }

  private isDelimiterLine(delimiter: string, stripsTabs: boolean, lineEnd: number): boolean {
    const line = this.text.slice(this.position, lineEnd);
    return (stripsTabs ? line.replace(/^\t+/, '') : line) === delimiter;
  }
}
