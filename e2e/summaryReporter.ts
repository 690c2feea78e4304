/**
 * Prints the suites' own summary lines (annotation type `summary`, such as the
 * accounting line) after everything else, so they are the run's last words.
 */
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SummaryReporter implements Reporter {
  private readonly lines: string[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    for (const a of [...test.annotations, ...result.annotations]) {
      if (a.type === 'summary' && a.description) this.lines.push(a.description);
    }
  }

  onEnd(): void {
    for (const line of this.lines) console.log(line);
  }

  printsToStdio(): boolean {
    return false;
  }
}
