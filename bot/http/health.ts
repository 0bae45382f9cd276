/**
 * `GET /healthz`: can we reach our storage right now? App Service's health check and
 * load balancers read the status code; people read the JSON. Failures are reported
 * as a short reason only, never an error message, since the endpoint is public.
 */
export interface HealthProbe {
  name: string;
  /** Resolves when the dependency answered; should stop work when `signal` aborts. */
  check(signal: AbortSignal): Promise<unknown>;
}

export interface ProbeResult {
  ok: boolean;
  ms: number;
  reason?: 'timeout' | 'unreachable' | `status ${number}`;
}

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, ProbeResult>;
}

export async function checkHealth(probes: readonly HealthProbe[], timeoutMs: number): Promise<HealthReport> {
  const results = await Promise.all(probes.map((probe) => runProbe(probe, timeoutMs)));
  const checks = Object.fromEntries(probes.map((probe, i) => [probe.name, results[i]]));
  return { status: results.every((r) => r.ok) ? 'ok' : 'unavailable', checks };
}

async function runProbe(probe: HealthProbe, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([probe.check(controller.signal).then(() => 'ok' as const), timeout]);
    const ms = Math.round(performance.now() - started);
    if (outcome === 'timeout') controller.abort();
    return outcome === 'ok' ? { ok: true, ms } : { ok: false, ms, reason: 'timeout' };
  } catch (e) {
    return { ok: false, ms: Math.round(performance.now() - started), reason: failureReason(e) };
  } finally {
    clearTimeout(timer);
  }
}

function failureReason(e: unknown): ProbeResult['reason'] {
  if (typeof e === 'object' && e !== null) {
    for (const field of ['statusCode', 'code'] as const) {
      const value: unknown = Reflect.get(e, field);
      if (typeof value === 'number' && value >= 100 && value < 600) return `status ${value}`;
    }
  }
  return 'unreachable';
}
