/** Counts read from JUnit XML reports, the format most test runners can write. */
export interface TestReportCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  /** Names (`classname.name`) of the failed or errored test cases, the first few. */
  failed: string[];
}

export const emptyCounts = (): TestReportCounts => ({ tests: 0, failures: 0, errors: 0, skipped: 0, failed: [] });
const maxFailedNames = 10;

/**
 * Parses one JUnit XML report: test cases are counted one by one (suites nest in some tools, so
 * their totals would count twice); a report with suites but no test cases falls back to the
 * suites' `tests`/`failures`/`errors`/`skipped` attributes.
 */
export function parseJUnitReport(xml: string): TestReportCounts {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  const counts = emptyCounts();
  const testcase = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase\s*>)/g;
  for (const match of text.matchAll(testcase)) {
    const attributes = parseAttributes(match[1] ?? '');
    const body = match[3] ?? '';
    counts.tests += 1;
    const failed = /<failure\b/.test(body);
    const errored = !failed && /<error\b/.test(body);
    if (failed) counts.failures += 1;
    else if (errored) counts.errors += 1;
    else if (/<skipped\b/.test(body)) counts.skipped += 1;
    if ((failed || errored) && counts.failed.length < maxFailedNames) {
      counts.failed.push([attributes['classname'], attributes['name']].filter((part) => part !== undefined && part !== '').join('.'));
    }
  }
  if (counts.tests > 0) return counts;
  for (const match of text.matchAll(/<testsuite\b([^>]*?)\/?>/g)) {
    const attributes = parseAttributes(match[1] ?? '');
    counts.tests += count(attributes['tests']);
    counts.failures += count(attributes['failures']);
    counts.errors += count(attributes['errors']);
    counts.skipped += count(attributes['skipped'] ?? attributes['disabled']);
  }
  return counts;
}

export function addCounts(total: TestReportCounts, more: TestReportCounts): TestReportCounts {
  return {
    tests: total.tests + more.tests,
    failures: total.failures + more.failures,
    errors: total.errors + more.errors,
    skipped: total.skipped + more.skipped,
    failed: [...total.failed, ...more.failed].slice(0, maxFailedNames),
  };
}

/** `Tests: 12, 10 passed, 1 failed, 1 error, 0 skipped (2 reports); failed: a.b, c.d`. */
export function describeCounts(counts: TestReportCounts, reports: number): string {
  const passed = counts.tests - counts.failures - counts.errors - counts.skipped;
  const line = `Tests: ${counts.tests}, ${passed} passed, ${counts.failures} failed, ${counts.errors} ${counts.errors === 1 ? 'error' : 'errors'}, ${counts.skipped} skipped (${reports} ${reports === 1 ? 'report' : 'reports'})`;
  return counts.failed.length === 0 ? line : `${line}; failed: ${counts.failed.join(', ')}`;
}

function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    attributes[match[1] ?? ''] = decodeEntities(match[3] ?? match[4] ?? '');
  }
  return attributes;
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (entity, name: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (!name.startsWith('#')) return named[name.toLowerCase()] ?? entity;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

function count(value: string | undefined): number {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.floor(parsed) : 0;
}
