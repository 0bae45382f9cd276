/**
 * Which tenant directory the app asks: Microsoft Entra ID whenever it runs against
 * Azure resources, the seeded demo list only in local mode (the Playground's demo
 * customers, no network).
 */
import type { TenantDirectory } from '../../claims/ports';
import { EntraTenantDirectory } from '../../storage/entraTenantDirectory';
import { loadSeededTenantDirectory } from '../../storage/tenantDirectory';
import type { Config } from './config';
import type { Logger } from './logger';

export async function tenantDirectoryFor(
  config: Pick<Config, 'mode' | 'entraAuthorityHost'>,
  logger: Logger,
): Promise<TenantDirectory> {
  if (config.mode === 'local') return loadSeededTenantDirectory();
  // A failed lookup is worth a warning (the partner goes on, the reviewer decides); never more than the domain.
  const log = (reason: string, domain: string) =>
    logger.warn({ reason, domain }, 'tenant lookup could not verify a domain');
  return new EntraTenantDirectory({ authority: `https://${config.entraAuthorityHost}`, log });
}
