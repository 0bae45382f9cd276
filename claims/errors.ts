/**
 * Domain errors carry a stable code the edge turns into a localized message.
 * Expected failures (validation, a forbidden transition) are returned as values;
 * these are thrown only where an adapter cannot return (a lost race, a refused file).
 */

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Someone else changed the document since it was read (stale ETag). */
export class ConcurrencyConflict extends DomainError {
  constructor(what: string) {
    super('concurrencyConflict', `${what} was changed by someone else`);
  }
}

/** Another claim holds one of the keys; the other partner is never named. */
export class AssociationConflict extends DomainError {
  constructor(readonly keys: string[]) {
    super('associationConflict', 'an association key is held by another claim', { keys });
  }
}

export class EvidenceRejected extends DomainError {
  constructor(
    code:
      | 'poeTooLarge'
      | 'poeTypeNotAllowed'
      | 'poeTypeMismatch'
      | 'poeEmpty'
      | 'poeLocked'
      | 'poeUploadFailed'
      | 'poeSourceRefused',
    message: string,
  ) {
    super(code, message);
  }
}

export class NotFound extends DomainError {
  constructor(what: string) {
    super('notFound', `${what} not found`);
  }
}

export type Result<T, E = Problem[]> = { ok: true; value: T } | { ok: false; error: E };

/** One thing wrong with the input: a stable code, the field it concerns, and facts for the message. */
export interface Problem {
  code: string;
  field: string;
  params?: Record<string, string | number>;
}

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });
