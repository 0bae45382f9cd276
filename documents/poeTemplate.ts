/**
 * The PoE template: a Word document (statement of work with a customer
 * acknowledgement and signature lines) with the claim's details filled in, in the
 * user's language, for the partner to have signed and attach as proof of execution.
 *
 * Everything the partner typed goes in as the text of a run, which the docx writer
 * escapes: a claim name with markup or `${...}` reads in Word exactly as typed.
 */
import { randomUUID } from 'node:crypto';
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Claim, Contact, PartnerOrganisation } from '../claims/model';
import { systemClock, type Clock, type PartnerDirectory } from '../claims/ports';
import type { DocumentWriter, GeneratedDocument } from '../claims/ports';
import {
  activityLabel,
  formatDate,
  formatList,
  productName,
  solutionAreaLabel,
  t,
  type Locale,
  type MessageKey,
} from '../locales/i18n';
import { LANGUAGES } from '../locales/languages';

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface WordPoeTemplateOptions {
  /** For the partner's name and the MPN location's name. */
  partners: PartnerDirectory;
  /** The zone the "prepared on" date is shown in. */
  timeZone: string;
  clock?: Clock;
}

export class WordPoeTemplate implements DocumentWriter<Locale> {
  private readonly clock: Clock;

  constructor(private readonly options: WordPoeTemplateOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async poeTemplate(claim: Claim, locale: Locale): Promise<GeneratedDocument> {
    const org = await this.options.partners.get(claim.partnerId);
    const document = poeTemplateDocument({
      claim,
      org,
      locale,
      preparedAt: this.clock.now(),
      timeZone: this.options.timeZone,
    });
    return {
      fileName: poeTemplateFileName(claim),
      contentType: DOCX_CONTENT_TYPE,
      bytes: await Packer.toBuffer(document),
    };
  }
}

/** ASCII from our id only, so the download links need no escaping. */
export function poeTemplateFileName(claim: Pick<Claim, 'id'>): string {
  const id = claim.id.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 80);
  return `poe-template-${id || randomUUID()}.docx`;
}

interface TemplateInput {
  claim: Claim;
  org: PartnerOrganisation | undefined;
  locale: Locale;
  preparedAt: Date;
  timeZone: string;
}

/** XML 1.0 cannot carry most control characters; a document with one would not open. */
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const text = (value: string): TextRun => new TextRun({ text: value.replace(XML_INVALID, '') });
const bold = (value: string): TextRun => new TextRun({ text: value.replace(XML_INVALID, ''), bold: true });

export function poeTemplateDocument(input: TemplateInput): Document {
  const { claim, locale } = input;
  const say = (key: MessageKey, params?: Record<string, string>) => t(locale, key, params);
  const partner = input.org?.name.trim() || claim.mpnId;
  const customer = claim.revenue?.customerName.trim() || claim.customerDomain;
  return new Document({
    title: say('poeTemplate.title'),
    creator: say('app.name'),
    styles: {
      default: {
        document: {
          run: {
            font: { ascii: 'Calibri', hAnsi: 'Calibri', eastAsia: LANGUAGES[locale].eastAsianFont },
            language: { value: locale, eastAsia: locale },
            size: 22,
          },
        },
      },
    },
    sections: [
      {
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: [text(say('poeTemplate.title'))] }),
          new Paragraph({ children: [text(say('poeTemplate.intro', { partner }))] }),
          heading(say('poeTemplate.detailsHeading')),
          labelledTable(detailRows(input)),
          heading(say('contacts.title')),
          labelledTable(contactRows(claim, locale)),
          heading(say('poeTemplate.sowHeading')),
          new Paragraph({ children: [text(say('poeTemplate.sowIntro'))] }),
          new Paragraph({ children: [bold(say('poeTemplate.services'))] }),
          ...blankLines(5),
          labelledTable([
            [say('poeTemplate.startDate'), ''],
            [say('poeTemplate.endDate'), ''],
          ]),
          heading(say('poeTemplate.ackHeading')),
          new Paragraph({ children: [text(say('poeTemplate.ackText', { partner, customer }))] }),
          labelledTable([
            [say('contacts.name'), claim.customerContact?.name ?? ''],
            [say('contacts.jobTitle'), claim.customerContact?.title ?? ''],
            [say('poeTemplate.signature'), ''],
            [say('poeTemplate.date'), ''],
          ]),
          new Paragraph({
            spacing: { before: 480 },
            alignment: AlignmentType.LEFT,
            children: [
              new TextRun({
                text: say('poeTemplate.preparedOn', { date: formatDate(locale, input.preparedAt, input.timeZone) }),
                italics: true,
                size: 18,
              }),
            ],
          }),
        ],
      },
    ],
  });
}

function heading(value: string): Paragraph {
  return new Paragraph({ heading: HeadingLevel.HEADING_1, spacing: { before: 360 }, children: [text(value)] });
}

/** Lines to write on: empty paragraphs with a bottom rule. */
function blankLines(count: number): Paragraph[] {
  return Array.from(
    { length: count },
    () =>
      new Paragraph({
        spacing: { before: 240 },
        border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '808080', space: 1 } },
        children: [],
      }),
  );
}

/** Two columns: label, then the value (one paragraph per line; empty values leave room to write). */
type Row = readonly [label: string, value: string | readonly string[]];

function labelledTable(rows: readonly Row[]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: rows.map(([label, value]) => {
      const lines = typeof value === 'string' ? [value] : value;
      return new TableRow({
        children: [
          new TableCell({
            width: { size: 35, type: WidthType.PERCENTAGE },
            children: [new Paragraph({ children: [bold(label)] })],
          }),
          new TableCell({
            width: { size: 65, type: WidthType.PERCENTAGE },
            children: lines.map(
              (line) => new Paragraph({ spacing: line === '' ? { before: 360 } : undefined, children: [text(line)] }),
            ),
          }),
        ],
      });
    }),
  });
}

function detailRows({ claim, org, locale }: TemplateInput): Row[] {
  const say = (key: MessageKey, params?: Record<string, string>) => t(locale, key, params);
  const orNone = (value: string | undefined) => (value?.trim() ? value : say('common.notProvided'));
  const location = org?.locations.find((l) => l.mpnId === claim.mpnId);
  const rows: Row[] = [
    [say('fields.name'), orNone(claim.name)],
    [say('poeTemplate.partner'), orNone(org?.name)],
    [
      say('mpn.title'),
      location ? say('mpn.option', { mpnId: claim.mpnId, location: location.name }) : orNone(claim.mpnId),
    ],
    [say('fields.customerDomain'), orNone(claim.customerDomain)],
    [say('fields.customerTenantId'), orNone(claim.customerTenantId)],
    [
      say('fields.solutionArea'),
      claim.solutionArea ? solutionAreaLabel(locale, claim.solutionArea) : orNone(undefined),
    ],
    [say('fields.activity'), claim.activity ? activityLabel(locale, claim.activity) : orNone(undefined)],
    [
      say('fields.productIds'),
      claim.productIds.length > 0 ? formatList(locale, claim.productIds.map(productName)) : orNone(undefined),
    ],
  ];
  const subscriptions = claim.subscriptions.filter((s) => s.subscriptionIds.length > 0);
  if (subscriptions.length > 0) {
    rows.push([
      say('fields.subscriptions'),
      subscriptions.map((s) =>
        say('summary.subscriptionIds', { product: productName(s.productId), ids: s.subscriptionIds.join(', ') }),
      ),
    ]);
  }
  if (claim.revenue) {
    rows.push(
      [say('fields.revenueSolutionSellerName'), orNone(claim.revenue.solutionSellerName)],
      [say('fields.revenueCustomerName'), orNone(claim.revenue.customerName)],
      [say('fields.revenueIsvSolutionName'), orNone(claim.revenue.isvSolutionName)],
    );
  }
  return rows;
}

function contactRows(claim: Claim, locale: Locale): Row[] {
  const lines = (contact: Contact | undefined): string[] =>
    contact
      ? [contact.name, contact.title ?? '', contact.email].filter((line) => line.trim() !== '')
      : [t(locale, 'common.notProvided')];
  const rows: Row[] = [[t(locale, 'fields.customerContact'), lines(claim.customerContact)]];
  if (claim.technicalContact) rows.push([t(locale, 'fields.technicalContact'), lines(claim.technicalContact)]);
  rows.push([t(locale, 'fields.partnerContact'), lines(claim.partnerContact)]);
  return rows;
}
