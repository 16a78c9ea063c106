import type { ActionMapping, FieldChange, MappingReport } from './mapping-report';

/** Collects what a translation did, in the order it did it. */
export class MappingReportBuilder {
  private readonly actions: ActionMapping[] = [];
  private readonly changes: FieldChange[] = [];
  private readonly warnings: string[] = [];

  action(mapping: ActionMapping): void {
    this.actions.push(mapping);
  }

  dropped(path: string, before: unknown, reason: string): void {
    this.changes.push({ path, kind: 'dropped', before, reason });
  }

  changed(path: string, before: unknown, after: unknown, reason: string): void {
    this.changes.push({ path, kind: 'changed', before, after, reason });
  }

  added(path: string, after: unknown, reason: string): void {
    this.changes.push({ path, kind: 'added', after, reason });
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  build(): MappingReport {
    return { actions: [...this.actions], changes: [...this.changes], warnings: [...this.warnings] };
  }
}
