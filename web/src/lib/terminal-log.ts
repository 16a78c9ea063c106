// An action's log as a terminal would show it (issue 22, item 11): `\r` returns to the start of the line and what
// follows overwrites it (git's progress ends as its last state), `\b` steps back, SGR colours 30-37 and 90-97 and bold
// are kept as styles, every other escape sequence is dropped. Each line keeps the time its first character arrived.

export interface LogChunk {
  stream: string;
  chunk: string;
  at: string;
}

export interface Style {
  /** 30-37 or 90-97 (SGR foreground), absent for the default colour. */
  fg?: number;
  bold?: boolean;
}

export interface Segment extends Style {
  text: string;
}

export interface LogLine {
  /** 1-based, in the order lines were started. */
  number: number;
  stream: string;
  /** When its first character arrived. */
  at: string;
  text: string;
  segments: Segment[];
}

interface Cell {
  ch: string;
  style: Style;
}

interface OpenLine {
  number: number;
  at: string;
  cells: Cell[];
  col: number;
}

const sameStyle = (a: Style, b: Style) => a.fg === b.fg && !!a.bold === !!b.bold;

function segmentsOf(cells: readonly Cell[]): Segment[] {
  const segments: Segment[] = [];
  for (const { ch, style } of cells) {
    const last = segments.at(-1);
    if (last && sameStyle(last, style)) last.text += ch;
    else segments.push({ text: ch, ...(style.fg !== undefined ? { fg: style.fg } : {}), ...(style.bold ? { bold: true } : {}) });
  }
  return segments;
}

function applySgr(style: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(';').map((p) => (p === '' ? 0 : Number(p)));
  let next = { ...style };
  for (let i = 0; i < codes.length; i += 1) {
    const code = codes[i]!;
    if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 22) delete next.bold;
    else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) next.fg = code;
    else if (code === 39) delete next.fg;
    // 256-colour and true-colour forms carry their own arguments: skipped with them, the colour dropped.
    else if (code === 38 || code === 48) i += codes[i + 1] === 5 ? 2 : codes[i + 1] === 2 ? 4 : 0;
  }
  return next;
}

/** One stream's terminal state: the line being written, the style, an escape sequence split across chunks. */
class StreamState {
  style: Style = {};
  pending = '';
  line: OpenLine | undefined;
}

/** Folds log chunks into lines, incrementally: `write` each chunk as it arrives, `lines()` whenever to draw. */
export class TerminalLog {
  private readonly done: LogLine[] = [];
  private readonly streams = new Map<string, StreamState>();
  private next = 1;
  private raw = '';

  write(chunk: LogChunk): void {
    this.raw += chunk.chunk;
    let state = this.streams.get(chunk.stream);
    if (!state) this.streams.set(chunk.stream, (state = new StreamState()));
    const text = state.pending + chunk.chunk;
    state.pending = '';
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '\x1b') {
        const rest = text.slice(i);
        const csi = /^\x1b\[([0-9;?]*)([ -/]*)([@-~])/.exec(rest);
        if (csi) {
          if (csi[3] === 'm' && csi[2] === '') state.style = applySgr(state.style, csi[1]!);
          // Erase in line: to its end (0), its start (1) or whole (2).
          else if (csi[3] === 'K' && state.line) this.erase(state.line, csi[1] === '' ? 0 : Number(csi[1]));
          i += csi[0].length;
          continue;
        }
        const osc = /^\x1b\][^\x07\x1b]*(\x07|\x1b\\)/.exec(rest);
        if (osc) {
          i += osc[0].length;
          continue;
        }
        // Incomplete at the end of the chunk: kept for the next one (bounded: a stray ESC is dropped).
        if (/^\x1b(\[[0-9;?]*[ -/]*|\][^\x07\x1b]*)?$/.test(rest) && rest.length < 256) {
          state.pending = rest;
          break;
        }
        // Any other escape (two characters, e.g. ESC 7): dropped.
        i += Math.min(2, rest.length);
        continue;
      }
      if (ch === '\n') this.commit(chunk.stream, state, chunk.at);
      else if (ch === '\r') {
        if (state.line) state.line.col = 0;
      } else if (ch === '\b') {
        if (state.line) state.line.col = Math.max(0, state.line.col - 1);
      } else if (ch === '\t' || ch >= ' ') {
        const line = this.open(state, chunk.at);
        line.cells[line.col] = { ch, style: state.style };
        line.col += 1;
      }
      // Other control characters: nothing on screen.
      i += 1;
    }
  }

  /** Every line, the unfinished ones last (as they stand now). */
  lines(): LogLine[] {
    const open = [...this.streams.entries()].flatMap(([stream, state]) => (state.line ? [this.lineOf(stream, state.line)] : [])).sort((a, b) => a.number - b.number);
    return [...this.done, ...open];
  }

  /** The log exactly as written, escapes and carriage returns included (the raw download). */
  rawText(): string {
    return this.raw;
  }

  private open(state: StreamState, at: string): OpenLine {
    state.line ??= { number: this.next++, at, cells: [], col: 0 };
    return state.line;
  }

  private erase(line: OpenLine, mode: number): void {
    if (mode === 0) line.cells.length = Math.min(line.cells.length, line.col);
    else if (mode === 1) for (let c = 0; c <= line.col && c < line.cells.length; c += 1) line.cells[c] = { ch: ' ', style: {} };
    else if (mode === 2) line.cells = line.cells.map(() => ({ ch: ' ', style: {} }));
  }

  private commit(stream: string, state: StreamState, at: string): void {
    const line = this.open(state, at);
    this.done.push(this.lineOf(stream, line));
    state.line = undefined;
  }

  private lineOf(stream: string, line: OpenLine): LogLine {
    // A cursor moved past the end (after an erase) leaves holes: blanks, as on a screen.
    const cells = Array.from(line.cells, (cell) => cell ?? { ch: ' ', style: {} });
    const trimmed = cells.length > 0 && cells.every((c) => c.ch === ' ') ? [] : cells;
    return { number: line.number, stream, at: line.at, text: trimmed.map((c) => c.ch).join(''), segments: segmentsOf(trimmed) };
  }
}
