/** The last lines of a job's output (stdout and stderr interleaved as they came), for failure messages. */
export class OutputTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly maxLines: number) {}

  append(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    // A line without end (a progress bar) must not grow without bound.
    this.partial = (parts.pop() ?? '').slice(-10_000);
    this.lines.push(...parts);
    if (this.lines.length > this.maxLines) this.lines = this.lines.slice(-this.maxLines);
  }

  text(): string {
    const lines = this.partial === '' ? this.lines : [...this.lines, this.partial];
    return lines.slice(-this.maxLines).map((line) => (line.length > 500 ? `${line.slice(0, 500)}…` : line)).join('\n');
  }
}
