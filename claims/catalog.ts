/**
 * The product catalog as data: solution areas, their activities, the products a
 * claim may name, the incentive programs CPOR covers and the co-op programs it does
 * not. Product names are brand names and stay untranslated.
 */
import type { Activity, SolutionArea } from './model';
import { containsTerm, matchable, normaliseForMatch } from './textMatch';

export const SOLUTION_AREAS: readonly SolutionArea[] = ['microsoft365', 'businessApplications'];

/** Microsoft 365 claims are usage claims; Business Applications offers two kinds (docs/RULES.md, Programs). */
export const ACTIVITIES_BY_AREA: Readonly<Record<SolutionArea, readonly Activity[]>> = {
  microsoft365: ['usage'],
  businessApplications: ['usageOrPresales', 'revenueAssociation'],
};

/**
 * How exclusivity is keyed: OSU Microsoft 365 per customer workload, OSA sales and
 * OSU Business Applications per customer subscription (docs/RULES.md, rule 1).
 */
export type AssociationBasis = 'workload' | 'subscription';

export interface Product {
  /** Stable camelCase id stored on claims and in association keys; never rename. */
  id: string;
  name: string;
  solutionArea: SolutionArea;
  /** Dynamics 365 needs a customer technical contact and, with several subscriptions, their ids. */
  dynamics365: boolean;
  associationBasis: AssociationBasis;
  /** Pre-CPOR associations stay valid until the subscription expires (Dynamics 365, Power BI). */
  legacyValidUntilExpiry: boolean;
  /** Other names documents use for it (short forms, former names, Korean and Japanese spellings). */
  aliases: readonly string[];
}

const workload = (id: string, name: string, aliases: readonly string[] = []): Product => ({
  id,
  name,
  aliases,
  solutionArea: 'microsoft365',
  dynamics365: false,
  associationBasis: 'workload',
  legacyValidUntilExpiry: false,
});

const businessApp = (
  id: string,
  name: string,
  dynamics365: boolean,
  aliases: readonly string[] = [],
  legacyValidUntilExpiry = dynamics365,
): Product => ({
  id,
  name,
  aliases,
  solutionArea: 'businessApplications',
  dynamics365,
  associationBasis: 'subscription',
  legacyValidUntilExpiry,
});

export const PRODUCTS: readonly Product[] = [
  workload('exchangeOnline', 'Exchange Online', [
    'Exchange',
    'EXO',
    '익스체인지 온라인',
    '익스체인지',
    'エクスチェンジ オンライン',
  ]),
  workload('sharePointOnline', 'SharePoint Online', [
    'SharePoint',
    'SPO',
    '쉐어포인트',
    '셰어포인트',
    'シェアポイント',
  ]),
  workload('microsoftTeams', 'Microsoft Teams', ['Teams', '팀즈', 'チームズ']),
  workload('oneDrive', 'OneDrive', ['OneDrive for Business', '원드라이브', 'ワンドライブ']),
  workload('microsoft365Apps', 'Microsoft 365 Apps', [
    'Microsoft 365 Apps for enterprise',
    'Office 365 ProPlus',
    'M365 Apps',
  ]),
  workload('intune', 'Microsoft Intune', ['Intune', '인튠', 'インチューン']),
  workload('entraId', 'Microsoft Entra ID', ['Entra ID', 'Azure AD', 'Azure Active Directory', 'AAD']),
  workload('defenderForOffice365', 'Microsoft Defender for Office 365', ['Defender for Office 365', 'MDO']),
  workload('defenderForEndpoint', 'Microsoft Defender for Endpoint', ['Defender for Endpoint', 'MDE']),
  workload('defenderForIdentity', 'Microsoft Defender for Identity', ['Defender for Identity', 'MDI']),
  businessApp('dynamics365Sales', 'Dynamics 365 Sales', true, ['D365 Sales', 'Dynamics Sales']),
  businessApp('dynamics365CustomerService', 'Dynamics 365 Customer Service', true, ['D365 Customer Service']),
  businessApp('dynamics365FieldService', 'Dynamics 365 Field Service', true, ['D365 Field Service']),
  businessApp('dynamics365Finance', 'Dynamics 365 Finance', true, ['D365 Finance']),
  businessApp('dynamics365SupplyChainManagement', 'Dynamics 365 Supply Chain Management', true, [
    'D365 Supply Chain Management',
    'D365 SCM',
  ]),
  businessApp('dynamics365BusinessCentral', 'Dynamics 365 Business Central', true, [
    'Business Central',
    'D365 Business Central',
  ]),
  businessApp('dynamics365CustomerInsights', 'Dynamics 365 Customer Insights', true, [
    'Customer Insights',
    'D365 Customer Insights',
  ]),
  businessApp('powerBI', 'Power BI', false, ['PowerBI', '파워 BI', 'パワー BI'], true),
  businessApp('powerApps', 'Power Apps', false, ['PowerApps', '파워 앱스', 'パワー アップス']),
  businessApp('powerAutomate', 'Power Automate', false, ['Microsoft Flow', '파워 오토메이트', 'パワー オートメイト']),
];

const productIndex = new Map(PRODUCTS.map((p) => [p.id, p]));

export function productById(id: string): Product | undefined {
  return productIndex.get(id);
}

export function productsFor(area: SolutionArea): Product[] {
  return PRODUCTS.filter((p) => p.solutionArea === area);
}

export function isSolutionArea(value: unknown): value is SolutionArea {
  return typeof value === 'string' && (SOLUTION_AREAS as readonly string[]).includes(value);
}

export function activitiesFor(area: SolutionArea): readonly Activity[] {
  return ACTIVITIES_BY_AREA[area];
}

export function isActivityAllowed(area: SolutionArea, activity: Activity): boolean {
  return ACTIVITIES_BY_AREA[area].includes(activity);
}

export type ProgramId = 'osa' | 'osuMicrosoft365' | 'osuBusinessApplications';

export interface Program {
  id: ProgramId;
  name: string;
  associationBasis: AssociationBasis;
}

/** The only programs CPOR claims are for (docs/RULES.md, Programs). */
export const PROGRAMS: readonly Program[] = [
  { id: 'osa', name: 'Online Services Advisor (OSA) sales', associationBasis: 'subscription' },
  { id: 'osuMicrosoft365', name: 'Online Services Usage (OSU) Microsoft 365', associationBasis: 'workload' },
  {
    id: 'osuBusinessApplications',
    name: 'Online Services Usage (OSU) Business Applications',
    associationBasis: 'subscription',
  },
];

/**
 * Which programs a claim of this area and activity earns under: usage/pre-sales
 * covers OSU Business Applications and OSA (advisory sales); revenue association is
 * an OSA sales claim.
 */
export function programsFor(area: SolutionArea, activity: Activity): ProgramId[] {
  if (area === 'microsoft365') return activity === 'usage' ? ['osuMicrosoft365'] : [];
  if (activity === 'usageOrPresales') return ['osuBusinessApplications', 'osa'];
  return activity === 'revenueAssociation' ? ['osa'] : [];
}

export interface CoopProgram {
  id: string;
  name: string;
  /** Lower-case words a partner may type for it, in English, Korean and Japanese. */
  aliases: readonly string[];
}

/** Programs whose claims follow the co-op claim process instead of CPOR (docs/RULES.md, rule 5). */
export const COOP_PROGRAMS: readonly CoopProgram[] = [
  {
    id: 'cloudSolutionProvider',
    name: 'Cloud Solution Provider',
    aliases: ['csp', 'cloud solution provider', '클라우드 솔루션 공급자', 'クラウド ソリューション プロバイダー'],
  },
  {
    id: 'managedReseller',
    name: 'Managed reseller',
    aliases: ['managed reseller', '관리 리셀러', 'マネージド リセラー'],
  },
  { id: 'hosting', name: 'Hosting', aliases: ['hosting', 'hoster', 'spla', '호스팅', 'ホスティング'] },
  { id: 'surface', name: 'Surface', aliases: ['surface', '서피스', 'サーフェス'] },
  { id: 'oem', name: 'OEM', aliases: ['oem'] },
  { id: 'distributor', name: 'Distributor', aliases: ['distributor', '총판', 'ディストリビューター'] },
];

/**
 * The co-op program a free text or program id names, if any ("ＣＳＰ" and
 * "Cloud-Solution  Provider" too).
 */
export function coopProgramFor(text: string): CoopProgram | undefined {
  const haystack = normaliseForMatch(text);
  if (haystack === '') return undefined;
  const prepared = matchable(haystack);
  return COOP_PROGRAMS.find(
    (program) =>
      normaliseForMatch(program.id) === haystack || program.aliases.some((alias) => containsTerm(prepared, alias)),
  );
}
