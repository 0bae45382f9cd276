/**
 * Application Insights, only when its connection string is set. Loaded lazily: the
 * OpenTelemetry stack it brings is large, and it must start before the HTTP server
 * module is loaded to see incoming requests.
 */
export interface Telemetry {
  trackException(error: Error, properties: Record<string, string>): void;
  flush(): Promise<void>;
}

export const noTelemetry: Telemetry = {
  trackException: () => undefined,
  flush: async () => undefined,
};

export async function startTelemetry(connectionString: string | undefined): Promise<Telemetry> {
  if (!connectionString) return noTelemetry;
  const appInsights = await import('applicationinsights');
  appInsights
    .setup(connectionString)
    .setAutoCollectConsole(false)
    .setSendLiveMetrics(false)
    .start();
  const client = appInsights.defaultClient;
  return {
    trackException: (exception, properties) => client.trackException({ exception, properties }),
    flush: () => client.flush(),
  };
}
