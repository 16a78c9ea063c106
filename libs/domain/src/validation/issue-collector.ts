import type { ValidationIssue } from './validation-issue';

/** Accumulates issues so a validator can report every problem at once instead of stopping at the first. */
export class IssueCollector {
  private readonly collected: ValidationIssue[] = [];

  add(path: string, code: string, message: string): void {
    this.collected.push({ path, code, message });
  }

  addAll(issues: readonly ValidationIssue[]): void {
    this.collected.push(...issues);
  }

  get issues(): ValidationIssue[] {
    return [...this.collected];
  }

  get count(): number {
    return this.collected.length;
  }
}
