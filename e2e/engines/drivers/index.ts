import { launchChromium } from './chromium.js';
import { launchFirefox } from './firefox.js';
import type { EngineDriver, EngineName, LaunchOptions } from './types.js';
import { launchWebKit } from './webkit.js';

export * from './types.js';

export function launchEngine(engine: EngineName, options: LaunchOptions = {}): Promise<EngineDriver> {
  switch (engine) {
    case 'chromium':
      return launchChromium(options);
    case 'firefox':
      return launchFirefox(options);
    case 'webkit':
      return launchWebKit(options);
  }
}
