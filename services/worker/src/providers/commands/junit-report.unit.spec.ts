import { addCounts, describeCounts, parseJUnitReport } from './junit-report';

describe('parseJUnitReport', () => {
  it('counts test cases by outcome and names the failed ones', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <testsuites tests="5" failures="1" errors="1">
        <testsuite name="math" tests="5">
          <testcase classname="math" name="adds"/>
          <testcase classname="math" name="subtracts" time="0.01"></testcase>
          <testcase classname="math" name="divides &amp; rounds"><failure message="expected 2">stack</failure></testcase>
          <testcase classname="io" name="reads"><error type="Error"/></testcase>
          <testcase classname="io" name="writes"><skipped/></testcase>
        </testsuite>
      </testsuites>`;
    expect(parseJUnitReport(xml)).toEqual({ tests: 5, failures: 1, errors: 1, skipped: 1, failed: ['math.divides & rounds', 'io.reads'] });
  });

  it('does not count twice suites nested in suites', () => {
    const xml = `<testsuites><testsuite tests="2"><testsuite tests="2"><testcase name="a"/><testcase name="b"/></testsuite></testsuite></testsuites>`;
    expect(parseJUnitReport(xml)).toMatchObject({ tests: 2, failures: 0 });
  });

  it('ignores tags inside CDATA and comments', () => {
    const xml = `<testsuite><!-- <testcase name="commented"/> --><testcase name="a"><system-out><![CDATA[<failure> printed by the test <testcase name="fake"/>]]></system-out></testcase></testsuite>`;
    expect(parseJUnitReport(xml)).toEqual({ tests: 1, failures: 0, errors: 0, skipped: 0, failed: [] });
  });

  it('falls back to suite totals when there are no test cases', () => {
    const xml = `<testsuite name="a" tests="7" failures="2" errors="0" skipped="1"/><testsuite name="b" tests='3' failures='1' disabled='1'></testsuite>`;
    expect(parseJUnitReport(xml)).toEqual({ tests: 10, failures: 3, errors: 0, skipped: 2, failed: [] });
  });

  it('reads nonsense as no tests', () => {
    expect(parseJUnitReport('not xml at all <testsuite tests="many"/>')).toMatchObject({ tests: 0 });
  });

  it('describes the totals of several reports', () => {
    const total = addCounts(parseJUnitReport('<testcase name="a"/><testcase name="b"><failure/></testcase>'), parseJUnitReport('<testcase name="c"/>'));
    expect(describeCounts(total, 2)).toBe('Tests: 3, 2 passed, 1 failed, 0 errors, 0 skipped (2 reports); failed: b');
  });
});
