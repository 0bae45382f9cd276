/**
 * The Entra ID tenant lookup against a loopback stand-in for login.microsoftonline.com
 * serving discovery documents shaped like the real ones, the real 400 for a domain no
 * tenant has, other errors, garbage, and answers that never come.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONSUMER_TENANT_ID } from '../../claims/tenants';
import { EntraTenantDirectory } from '../../storage/entraTenantDirectory';
import { SeededTenantDirectory } from '../../storage/tenantDirectory';
import { tenantDirectoryFor } from '../../bot/app/tenantLookup';
import { createLogger } from '../../bot/app/logger';

const CONTOSO = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** The discovery document as Entra ID serves it (abridged to the fields that matter, in the real shape). */
function discoveryDocument(tenantId: string): Record<string, unknown> {
  return {
    token_endpoint: `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `https://login.microsoftonline.com/${tenantId}/kerberos`,
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** Entra ID's answer for a domain no tenant has verified. */
function unknownTenantBody(domain: string): Record<string, unknown> {
  return {
    error: 'invalid_tenant',
    error_description: `AADSTS90002: Tenant '${domain}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant. Trace ID: 0b3c2d7e-5a1f-4c2e-9d1a-7f6e5d4c3b2a Correlation ID: 4f1e2d3c-b5a6-4978-8e9f-0a1b2c3d4e5f Timestamp: 2026-12-02 05:00:00Z`,
    error_codes: [90002],
    timestamp: '2026-12-02 05:00:00Z',
    trace_id: '0b3c2d7e-5a1f-4c2e-9d1a-7f6e5d4c3b2a',
    correlation_id: '4f1e2d3c-b5a6-4978-8e9f-0a1b2c3d4e5f',
    error_uri: 'https://login.microsoftonline.com/error?code=90002',
  };
}

describe('EntraTenantDirectory against a loopback stand-in for Entra ID', () => {
  let server: Server;
  let authority = '';
  const asked: string[] = [];
  const held: ServerResponse[] = [];

  before(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const match = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(req.url ?? '');
      const domain = decodeURIComponent(match?.[1] ?? '');
      asked.push(domain);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      if (domain === 'contoso.com' || domain === 'contoso.onmicrosoft.com')
        return json(200, discoveryDocument(CONTOSO));
      if (domain === 'consumers-of-outlook.example') return json(200, discoveryDocument(CONSUMER_TENANT_ID));
      if (domain === 'slow.example') return void held.push(res);
      if (domain === 'broken.example') return json(500, { error: 'temporarily_unavailable' });
      if (domain === 'throttled.example') return json(429, { error: 'throttled' });
      if (domain === 'garbage.example') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end('<html>captive portal</html>');
      }
      if (domain === 'foreign-issuer.example')
        return json(200, { ...discoveryDocument(CONTOSO), issuer: 'https://evil.example/not-a-guid/v2.0' });
      if (domain === 'other-400.example')
        return json(400, {
          error: 'invalid_request',
          error_description:
            'AADSTS900023: Specified tenant identifier is neither a valid DNS name, nor a valid external domain.',
        });
      return json(400, unknownTenantBody(domain));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    authority = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const res of held.splice(0)) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => asked.splice(0));

  const clock = {
    at: new Date('2026-12-02T05:00:00Z'),
    now() {
      return this.at;
    },
  };
  const directory = (options: Partial<ConstructorParameters<typeof EntraTenantDirectory>[0]> = {}) =>
    new EntraTenantDirectory({ authority, timeoutMs: 300, clock, ...options });

  it('names the tenant from the issuer of a real-shaped discovery document, whatever the case or trailing dot', async () => {
    const entra = directory();
    assert.deepEqual(await entra.lookup('contoso.com'), { kind: 'tenant', tenantId: CONTOSO });
    assert.deepEqual(await entra.lookup('CONTOSO.onmicrosoft.com.'), { kind: 'tenant', tenantId: CONTOSO });
    assert.equal(await entra.tenantOfDomain('contoso.com'), CONTOSO);
    assert.deepEqual(asked, ['contoso.com', 'contoso.onmicrosoft.com']);
  });

  it('says "unknown" for the AADSTS90002 answer, and "cannot verify" for other 400s, 5xx, 429, garbage, a foreign issuer and no answer in time', async () => {
    const entra = directory();
    assert.deepEqual(await entra.lookup('nobody-has-this.example'), { kind: 'unknown' });
    for (const domain of [
      'other-400.example',
      'broken.example',
      'throttled.example',
      'garbage.example',
      'foreign-issuer.example',
      'slow.example',
    ]) {
      assert.deepEqual(await entra.lookup(domain), { kind: 'unverifiable' }, domain);
    }
  });

  it('recognises personal-account domains without asking, and the consumer tenant when it answers', async () => {
    const entra = directory();
    for (const domain of ['outlook.com', 'Gmail.com', 'hotmail.co.jp', 'naver.com'])
      assert.deepEqual(await entra.lookup(domain), { kind: 'consumer' }, domain);
    assert.deepEqual(asked, []);
    assert.deepEqual(await entra.lookup('consumers-of-outlook.example'), { kind: 'consumer' });
  });

  it('keeps a found tenant for hours, a miss for minutes and a failure for a minute', async () => {
    const entra = directory();
    await entra.lookup('contoso.com');
    await entra.lookup('nobody.example');
    await entra.lookup('broken.example');
    asked.splice(0);
    clock.at = new Date(clock.at.getTime() + 59_000);
    await Promise.all(['contoso.com', 'nobody.example', 'broken.example'].map((d) => entra.lookup(d)));
    assert.deepEqual(asked, [], 'all cached');
    clock.at = new Date(clock.at.getTime() + 2_000);
    await Promise.all(['contoso.com', 'nobody.example', 'broken.example'].map((d) => entra.lookup(d)));
    assert.deepEqual(asked, ['broken.example'], 'the failure is asked again after a minute');
    clock.at = new Date(clock.at.getTime() + 10 * 60_000);
    await Promise.all(['contoso.com', 'nobody.example'].map((d) => entra.lookup(d)));
    assert.deepEqual(asked, ['broken.example', 'nobody.example'], 'the miss after ten minutes; the hit stays');
    clock.at = new Date(clock.at.getTime() + 12 * 3_600_000);
    await entra.lookup('contoso.com');
    assert.deepEqual(asked.at(-1), 'contoso.com');
  });

  it('asks once for a domain several turns look up at once', async () => {
    const entra = directory();
    const answers = await Promise.all(Array.from({ length: 5 }, () => entra.lookup('contoso.com')));
    assert.ok(answers.every((a) => a.kind === 'tenant'));
    assert.deepEqual(asked, ['contoso.com']);
  });

  it('answers "cannot verify" when the authority is unreachable, and never asks for what is not a domain', async () => {
    const closed = new EntraTenantDirectory({ authority: 'http://127.0.0.1:9', timeoutMs: 300, clock });
    assert.deepEqual(await closed.lookup('contoso.com'), { kind: 'unverifiable' });
    const entra = directory();
    for (const notADomain of ['', 'a/../../common', 'x?y=1', '..', 'no-dot'])
      assert.deepEqual(await entra.lookup(notADomain), { kind: 'unknown' }, notADomain);
    assert.deepEqual(asked, []);
  });

  it('refuses an authority that is plain http off loopback', () => {
    assert.throws(() => new EntraTenantDirectory({ authority: 'http://login.microsoftonline.com' }), RangeError);
  });
});

describe('the tenant directory the app asks', () => {
  const logger = createLogger('silent');
  it('is Entra ID at the configured authority host outside local mode, and the seeded list locally', async () => {
    const azure = await tenantDirectoryFor({ mode: 'azure', entraAuthorityHost: 'login.microsoftonline.us' }, logger);
    assert.ok(azure instanceof EntraTenantDirectory);
    assert.equal(Reflect.get(azure, 'authority'), 'https://login.microsoftonline.us');
    const local = await tenantDirectoryFor({ mode: 'local', entraAuthorityHost: 'login.microsoftonline.com' }, logger);
    assert.ok(local instanceof SeededTenantDirectory);
    assert.deepEqual(await local.lookup('gmail.com'), { kind: 'consumer' });
  });
});
