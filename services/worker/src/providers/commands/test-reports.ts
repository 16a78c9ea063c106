import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Minimatch } from 'minimatch';
import { walkEntries } from '../files/walk-entries';
import { addCounts, describeCounts, emptyCounts, parseJUnitReport, type TestReportCounts } from './junit-report';

export interface TestReportSummary extends TestReportCounts {
  reports: string[];
}

const reportPatterns = ['**/junit*.xml', '**/TEST-*.xml'].map((pattern) => new Minimatch(pattern, { dot: true, nocase: true }));
/** Folders that hold dependencies' files, not this build's reports. */
const skippedFolders = new Set(['node_modules', '.git']);
const maxReports = 200;
const maxReportBytes = 20 * 1024 * 1024;

/** The JUnit XML reports the commands left under `root` (`**\/junit*.xml`, `**\/TEST-*.xml`), summed; undefined when there are none. */
export async function collectTestReports(root: string): Promise<TestReportSummary | undefined> {
  const reports: string[] = [];
  await walkEntries(root, (entry) => {
    if (entry.kind === 'directory') return !skippedFolders.has(entry.path.split('/').pop() ?? '');
    if (entry.kind === 'file' && reports.length < maxReports && reportPatterns.some((pattern) => pattern.match(entry.path))) reports.push(entry.path);
    return true;
  });
  if (reports.length === 0) return undefined;
  let counts = emptyCounts();
  for (const report of reports) {
    const file = join(root, report);
    if ((await stat(file)).size > maxReportBytes) continue;
    counts = addCounts(counts, parseJUnitReport(await readFile(file, 'utf8')));
  }
  return { ...counts, reports };
}

export function describeTestReports(summary: TestReportSummary): string {
  return describeCounts(summary, summary.reports.length);
}
