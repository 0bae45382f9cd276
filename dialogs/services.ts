/**
 * Everything the conversation needs from the outside, handed in by the composition
 * root. Dialogs depend on these ports, never on a concrete SDK client.
 */
import type { Readable } from 'node:stream';
import type { BusinessCalendar } from '../claims/calendar';
import type { ReassociationNotices } from '../claims/legacyAssociations';
import type { ClaimLifecycle } from '../claims/lifecycle';
import type { RoleAdmin } from '../claims/roleAdmin';
import type { Claim } from '../claims/model';
import type { EngineLog } from '../claims/notifications';
import type { PoeChecks } from './poeChecks';
import type {
  AssociationStore,
  ClaimRepository,
  Clock,
  DownloadLinks,
  EvidenceReader,
  EvidenceStore,
  OrganisationStore,
  RoleNotices,
  TemplateLinks,
  TenantDirectory,
} from '../claims/ports';

/** A file the user attached in Teams, opened as a stream in the same turn. */
export interface AttachedFile {
  stream: Readable;
  /** The type the sender declared (Teams `fileType`, or the response content type). */
  declaredType?: string;
}

export interface FileSource {
  /** Opens a `file.download.info` attachment's pre-authorised URL; never stores the URL. */
  open(downloadUrl: string, fileType?: string): Promise<AttachedFile>;
}

/** A generated sample file served for one turn the way Teams serves an attached file. */
export interface ServedSample {
  fileName: string;
  fileType: string;
  downloadUrl: string;
  close(): Promise<void>;
}

/** Local mode only: a sample PoE for the Agents Playground, which cannot upload files. */
export interface SamplePoeSource {
  serve(claim: Claim): Promise<ServedSample>;
}

export type { GeneratedDocument } from '../claims/ports';

export interface ClaimServices {
  claims: ClaimRepository;
  associations: AssociationStore;
  evidence: EvidenceStore;
  /** Reads stored PoE files for the reviewers' checklist; absent, files are stored unchecked. */
  evidenceText?: EvidenceReader;
  /** Runs PoE checks after the receiving turn and updates the card in place; absent, files are checked in the turn. */
  poeChecks?: PoeChecks;
  /** How old the latest date in a PoE may be, in months (default 12). */
  poeMaxAgeMonths?: number;
  /** Partners and the operator; role management writes through it. */
  partners: OrganisationStore;
  tenants: TenantDirectory;
  files: FileSource;
  /** Local mode only; absent elsewhere, and then the PoE card offers no sample. */
  samplePoe?: SamplePoeSource;
  links: DownloadLinks;
  /** The PoE card's template link, signed in the turn; the template is made when it is opened. */
  templateLinks: TemplateLinks;
  clock: Clock;
  calendar: BusinessCalendar;
  /** Legacy Microsoft 365 customers to re-associate (npm run import-legacy); absent: no notice in "my claims". */
  reassociations?: ReassociationNotices;
  /** Status changes (submit, resubmit), configured with the deployment's window and deadline. */
  lifecycle: ClaimLifecycle;
  /** Role changes, onboarding and access requests, over `partners`. */
  roles: RoleAdmin;
  /** Tells owners and requesters about access requests in Teams; absent: they see them in the members card only. */
  roleNotices?: RoleNotices;
  /** The largest PoE file the evidence store accepts, to tell the user up front. */
  evidenceMaxBytes: number;
  /** Where failures the user was apologised to are logged (ids and codes only). */
  log: EngineLog;
  /** The time zone dates are shown in (the calendar's). */
  timeZone: string;
  newId(): string;
}
