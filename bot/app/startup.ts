/**
 * The first module `index.ts` imports: reads and validates the configuration, and
 * starts telemetry before any module that uses HTTP is loaded (import order is
 * execution order). A configuration mistake ends the process here with a message
 * naming the key, before anything starts.
 */
import { ConfigError, loadConfig, type Config } from './config';
import { startTelemetry, type Telemetry } from './telemetry';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\nSee .env.example and the Configuration table in README.md.\n`);
    process.exit(78); // EX_CONFIG
  }
}

export const config: Config = configOrExit();
export const telemetry: Telemetry = startTelemetry(config.appInsightsConnectionString);
