import { describe, expect, it } from '@jest/globals';
import { TerminalLog } from './terminal-log';

const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
const logOf = (...chunks: Array<[string, string?, number?]>) => {
  const log = new TerminalLog();
  for (const [chunk, stream = 'stdout', time = 0] of chunks) log.write({ chunk, stream, at: at(time) });
  return log;
};

describe('a log as a terminal shows it', () => {
  it('keeps the last state of a line rewritten with \\r, also across chunks, and overwrites only what is rewritten', () => {
    const log = logOf(['Receiving objects:  10% (1/10)\r'], ['Receiving objects:  55% (6/10)\rReceiving objects: 100% (10/10), done.\n', 'stdout', 1], ['abcdef\rXY\n']);
    expect(log.lines().map((l) => l.text)).toEqual(['Receiving objects: 100% (10/10), done.', 'XYcdef']);
    expect(log.lines()[0]!.at).toBe(at(0));
    // \r\n ends a line like \n.
    expect(logOf(['one\r\ntwo\r\n']).lines().map((l) => l.text)).toEqual(['one', 'two']);
  });

  it('keeps SGR colours 30-37, 90-97 and bold as styles and drops every other escape, even one split across chunks', () => {
    // An erased line (ESC[2K after a progress) is blank; a title (OSC), cursor modes and 256 colours leave no trace.
    const log = logOf(['\x1b[31mprogress\x1b[2K\x1b[0m\n'], ['\x1b]0;title\x07\x1b[?25lx\x1b['], ['33my\x1b[38;5;200mz\x1b[0m\n']);
    const [first, second] = log.lines();
    expect(first!.text).toBe('');
    expect(second!.segments).toEqual([{ text: 'x' }, { text: 'yz', fg: 33 }]);
    expect(log.lines().map((l) => l.text).join('')).not.toMatch(/\x1b/);
  });

  it('colours without an erase', () => {
    const [line] = logOf(['\x1b[31mred\x1b[0m \x1b[1;92mbold green\x1b[39m bold\x1b[22m plain\n']).lines();
    expect(line!.segments).toEqual([{ text: 'red', fg: 31 }, { text: ' ' }, { text: 'bold green', fg: 92, bold: true }, { text: ' bold', bold: true }, { text: ' plain' }]);
    expect(line!.text).toBe('red bold green bold plain');
  });

  it('numbers lines in the order they start, per stream, with the time of their first character; the raw text stays whole', () => {
    const log = logOf(['out 1\nout '], ['err 1\n', 'stderr', 1], ['2\n', 'stdout', 2], ['tail', 'stdout', 3]);
    expect(log.lines().map((l) => [l.number, l.stream, l.text, l.at])).toEqual([
      [1, 'stdout', 'out 1', at(0)],
      [3, 'stderr', 'err 1', at(1)],
      [2, 'stdout', 'out 2', at(0)],
      [4, 'stdout', 'tail', at(3)],
    ]);
    expect(log.rawText()).toBe('out 1\nout err 1\n2\ntail');
  });
});
