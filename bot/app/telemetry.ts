/**
 * Azure Monitor (Application Insights) through its OpenTelemetry distro, only when
 * the connection string is set. Loaded lazily: the OpenTelemetry stack is large, and
 * it must start before the HTTP server module is loaded to see incoming requests
 * (see `startup.ts`).
 */
import type { Telemetry } from '../http/adapter';

export type { Telemetry } from '../http/adapter';

export const noTelemetry: Telemetry = {
  trackException: () => undefined,
  flush: async () => undefined,
};

export function startTelemetry(connectionString: string | undefined): Telemetry {
  if (!connectionString) return noTelemetry;
  // Starting it raises every Azure SDK client's console logging to "warning", which
  // prints unstructured lines for expected 404s (a missing document is a normal
  // answer here). The distro takes its level only from this variable; an explicit
  // setting from the operator wins.
  process.env.APPLICATIONINSIGHTS_INSTRUMENTATION_LOGGING_LEVEL ??= 'ERROR';
  // Synchronous on purpose: it has to patch `http` before restify is imported.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: a synchronous, lazy load
  const monitor = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded with the distro, only when it runs
  const otel = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  monitor.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    // pino already writes structured logs to stdout, which App Service collects.
    instrumentationOptions: { console: { enabled: false } },
    enableLiveMetrics: false,
    // Every request and every turn error, not the distro's default of five traces a
    // second (which drops the first span after start-up): the bot's traffic is small.
    samplingRatio: 1,
    tracesPerSecond: 0,
  });
  const tracer = otel.trace.getTracer('cpor-claims-bot');
  return {
    // An exception recorded on a span is exported as an exception item, with the
    // span's attributes as its custom properties.
    trackException: (exception, properties) => {
      const span = tracer.startSpan('turn error', { attributes: properties });
      span.recordException(exception);
      span.setStatus({ code: otel.SpanStatusCode.ERROR, message: exception.message });
      span.end();
    },
    // Called once, at shutdown: exports what is buffered and stops the exporters.
    flush: () => monitor.shutdownAzureMonitor(),
  };
}
