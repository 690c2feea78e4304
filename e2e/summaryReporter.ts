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
    // The accounting line ("injected N, accounted N, lost 0, duplicated 0") is the run's very last.
    const lines = [...this.lines];
    const accounting = lines.filter((l) => l.startsWith('injected '));
    for (const line of [...lines.filter((l) => !l.startsWith('injected ')), ...accounting]) console.log(line);
  }

  printsToStdio(): boolean {
    return false;
  }
}
