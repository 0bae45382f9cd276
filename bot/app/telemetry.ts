/**
 * Application Insights, only when its connection string is set. Loaded lazily: the
 * OpenTelemetry stack it brings is large, and it must start before the HTTP server
 * module is loaded to see incoming requests (see `startup.ts`).
 */
export interface Telemetry {
  trackException(error: Error, properties: Record<string, string>): void;
  flush(): Promise<void>;
}

export const noTelemetry: Telemetry = {
  trackException: () => undefined,
  flush: async () => undefined,
};

export function startTelemetry(connectionString: string | undefined): Telemetry {
  if (!connectionString) return noTelemetry;
  // Starting it raises every Azure SDK client's console logging to "warning", which
  // prints unstructured lines for expected 404s (a missing document is a normal
  // answer here). The SDK takes its level only from this variable; an explicit
  // setting from the operator wins.
  process.env.APPLICATIONINSIGHTS_INSTRUMENTATION_LOGGING_LEVEL ??= 'ERROR';
  // Synchronous on purpose: it has to patch `http` before restify is imported.
  const appInsights = require('applicationinsights') as typeof import('applicationinsights');
  appInsights
    .setup(connectionString)
    // pino already writes structured logs to stdout, which App Service collects.
    .setAutoCollectConsole(false)
    .setSendLiveMetrics(false)
    .start();
  const client = appInsights.defaultClient;
  return {
    trackException: (exception, properties) => client.trackException({ exception, properties }),
    flush: () => client.flush(),
  };
}
