/**
 * Prints the suites' own summary lines (annotation type `summary`, such as the
 * accounting line) after everything else, so they are the run's last words.
 */
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SummaryReporter implements Reporter {
  // A test's annotations appear on the test and on its result: a Set keeps each line once.
  private readonly lines = new Set<string>();

  onTestEnd(test: TestCase, result: TestResult): void {
    for (const a of [...test.annotations, ...result.annotations]) {
      if (a.type === 'summary' && a.description) this.lines.add(a.description);
    }
  }

  onEnd(): void {
    for (const line of this.lines) console.log(line);
  }

  printsToStdio(): boolean {
    return false;
  }
}
