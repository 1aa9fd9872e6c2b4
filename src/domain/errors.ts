/** Every failure a user can act on is a ClmError; main() maps exitCode in one place. */
export class ClmError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  constructor(message: string, exitCode: number, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad flag, bad value, invalid config: exit 2. */
export class UsageError extends ClmError {
  constructor(message: string, hint?: string) {
    super(message, 2, hint);
  }
}

export interface DataLocation {
  file?: string;
  line?: number;
  column?: string;
  value?: string;
}

/** Unreadable, unmappable or rejected input: exit 3. Carries where it happened. */
export class DataError extends ClmError {
  readonly location: DataLocation;
  constructor(message: string, location: DataLocation = {}, hint?: string) {
    super(message, 3, hint);
    this.location = location;
  }
}

/**
 * An output that could not be written (disk full, read-only, a name too long): exit 74, as
 * EX_IOERR in sysexits. Nothing half-written is left behind.
 */
export class OutputError extends ClmError {
  constructor(message: string, hint?: string) {
    super(message, 74, hint);
  }
}

/** A bug in clm: exit 70. */
export class InternalError extends ClmError {
  constructor(message: string) {
    super(message, 70, 'this is a bug in clm; please report it with the command you ran');
  }
}

/** `--fail-if` held: exit 1 after outputs were written. */
export class ConditionHeld extends ClmError {
  constructor(message: string) {
    super(message, 1);
  }
}
