/**
 * What a signed statement of work says about the claim: the customer's domain and
 * tenant ID, the people who signed for the customer, and the products it names. Pure
 * proposals, each with the line it came from: the conversation shows them for the
 * partner to confirm and never writes them on its own.
 */
import { evidencePhrase, linesOf, productsNamed, type Line } from './poeCheck';
import { ACKNOWLEDGEMENT_WORDS, CUSTOMER_ROLE_WORDS, allWords } from './poeVocabulary';
import { containsTerm } from './textMatch';

export interface ProposedContact {
  name: string;
  email: string;
  title?: string;
}

export interface SowProposal {
  customerDomain?: string;
  customerTenantId?: string;
  contacts: ProposedContact[];
  productIds: string[];
}

/** A proposal as the conversation keeps it: with the file it is from and the directory's word on the tenant. */
export interface WorkProposal extends SowProposal {
  fileName: string;
  /** verified: the directory gives the domain this tenant; fromDirectory: the document named none, the directory's is proposed. */
  tenantCheck?: 'verified' | 'mismatch' | 'unknown' | 'fromDirectory';
}

export interface PrefillContext {
  /** Email domains of the partner (its contacts, the caller): never proposed as the customer's. */
  partnerDomains: readonly string[];
}

const GUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/;
const EMAIL = /[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;
const ONMICROSOFT = /\b([a-z0-9][a-z0-9-]{0,62}\.onmicrosoft\.com)\b/i;
const TENANT_WORDS = ['tenant', 'directory id', 'tenant id', '테넌트', '디렉터리', 'テナント', 'ディレクトリ'];
/** Labels before a person's name, title or email in a signature block. */
const NAME_LABEL =
  /^(?:name|printed name|signed by|accepted by|approved by|성명|이름|담당자|氏名|名前|担当者)\s*[:：]\s*/i;
const TITLE_LABEL = /^(?:title|position|직책|직위|役職|肩書)\s*[:：]\s*(.+)$/i;
/** Lines after a customer block's heading that still belong to it. */
const BLOCK_LINES = 6;

const SIGN_WORDS = [...allWords(ACKNOWLEDGEMENT_WORDS), ...allWords(CUSTOMER_ROLE_WORDS)];

/** A person's name as written before an email or after a label; undefined when the line has none. */
function nameIn(text: string): string | undefined {
  const withoutEmail = text.replace(EMAIL, ' ').replace(/[<>()[\]]/g, ' ');
  const labelled = withoutEmail.trim().replace(NAME_LABEL, '');
  const name = labelled
    .replace(/^(?:email|e-mail|mail|이메일|メール)\s*[:：]?\s*/i, '')
    .replace(/[,;:|·_]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (name.length < 2 || name.length > 80 || /\d{3}/.test(name)) return undefined;
  return name;
}

function isPartnerDomain(domain: string, context: PrefillContext): boolean {
  const lower = domain.toLowerCase();
  return context.partnerDomains.some((d) => lower === d.toLowerCase() || lower.endsWith(`.${d.toLowerCase()}`));
}

/** The customer's people: emails in the blocks that open with a signature or customer word, with the name around them. */
function contactsIn(lines: readonly Line[], context: PrefillContext): ProposedContact[] {
  const found = new Map<string, ProposedContact>();
  for (let i = 0; i < lines.length; i++) {
    if (!SIGN_WORDS.some((word) => containsTerm(lines[i].match, word))) continue;
    const block = lines.slice(Math.max(0, i - 1), i + BLOCK_LINES + 1);
    for (let j = 0; j < block.length; j++) {
      for (const m of block[j].text.matchAll(EMAIL)) {
        const email = m[0].toLowerCase();
        if (isPartnerDomain(m[1] ?? '', context) || found.has(email)) continue;
        const name =
          nameIn(block[j].text) ??
          block
            .slice(0, j)
            .reverse()
            .map((l) => (NAME_LABEL.test(l.text) ? nameIn(l.text) : undefined))
            .find((n) => n !== undefined);
        if (!name) continue;
        const title = block.map((l) => TITLE_LABEL.exec(l.text)?.[1]?.trim()).find((t) => t !== undefined);
        found.set(email, { name, email, ...(title ? { title: evidencePhrase(title) } : {}) });
      }
    }
  }
  return [...found.values()];
}

const guidOf = (text: string): string | undefined => new RegExp(GUID.source, 'i').exec(text)?.[0]?.toLowerCase();

/** A GUID on a line that says "tenant" (or "directory") first; any GUID otherwise. */
function tenantIn(lines: readonly Line[]): string | undefined {
  const labelled = lines.find((l) => TENANT_WORDS.some((w) => containsTerm(l.match, w)) && guidOf(l.text));
  const line = labelled ?? lines.find((l) => guidOf(l.text));
  return line ? guidOf(line.text) : undefined;
}

function domainIn(text: string, contacts: readonly ProposedContact[], context: PrefillContext): string | undefined {
  const onMicrosoft = ONMICROSOFT.exec(text)?.[1]?.toLowerCase();
  if (onMicrosoft) return onMicrosoft;
  const fromContact = contacts[0]?.email.split('@')[1];
  if (fromContact) return fromContact;
  const counts = new Map<string, number>();
  for (const m of text.matchAll(EMAIL)) {
    const domain = (m[1] ?? '').toLowerCase();
    if (!isPartnerDomain(domain, context)) counts.set(domain, (counts.get(domain) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

export function proposeFromText(text: string, context: PrefillContext): SowProposal {
  const lines = linesOf(text);
  const contacts = contactsIn(lines, context);
  const customerDomain = domainIn(text.normalize('NFKC'), contacts, context);
  const customerTenantId = tenantIn(lines);
  return {
    ...(customerDomain ? { customerDomain } : {}),
    ...(customerTenantId ? { customerTenantId } : {}),
    contacts: contacts.filter(
      (c) => !customerDomain || c.email.endsWith(`@${customerDomain}`) || customerDomain.endsWith('.onmicrosoft.com'),
    ),
    productIds: productsNamed(lines).map((p) => p.productId),
  };
}
