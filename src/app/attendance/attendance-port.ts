import type { RegisterDay } from "../../domain/attendance/episodes.js";
import type { ParsedDay, ParsedPupil } from "../../domain/attendance/parse-register.js";
import type { TriggerKind } from "../../domain/attendance/triggers-due.js";
import type { AuditInput, OutgoingMessage } from "../ports.js";

export interface StoredPupil {
  pupilId: string;
  name: string;
  address: string | null;
}

export interface TriggerRow {
  id: string;
  pupilId: string;
  kind: TriggerKind;
  episode: string;
  state: "open" | "dismissed" | "resolved";
  firedAt: Date;
  remindedOn: string | null;
  detail: Record<string, unknown>;
  visitId: string | null;
  dismissedAt: Date | null;
  dismissedBy: string | null;
  dismissReason: string | null;
}

export interface FollowUpRow {
  id: string;
  visitId: string;
  position: number;
  agreement: string;
  dueAt: Date;
  state: "pending" | "asked" | "kept" | "not_kept";
  askedAt: Date | null;
  answeredAt: Date | null;
  answeredBy: string | null;
}

/** A register to save: every pupil and day read from one file or one sync. */
export interface RegisterBatch {
  pupils: readonly ParsedPupil[];
  days: readonly ParsedDay[];
  source: "csv" | "chat" | "wonde";
  at: Date;
}

/** Writes of one attendance transaction: triggers, follow-ups, and the messages and audit that go with them. */
export interface AttendanceTx {
  /** Records that a trigger fired; null when it had already fired for this pupil, kind and episode. */
  insertTrigger(
    row: Omit<TriggerRow, "id" | "state" | "dismissedAt" | "dismissedBy" | "dismissReason" | "visitId">,
  ): Promise<TriggerRow | null>;
  /** The trigger, locked for this transaction. */
  getTriggerForUpdate(id: string): Promise<TriggerRow | null>;
  updateTrigger(
    id: string,
    change: Partial<Pick<TriggerRow, "state" | "remindedOn" | "visitId" | "dismissedAt" | "dismissedBy" | "dismissReason">>,
  ): Promise<void>;
  insertFollowUps(rows: readonly Omit<FollowUpRow, "askedAt" | "answeredAt" | "answeredBy" | "state">[]): Promise<void>;
  getFollowUpForUpdate(id: string): Promise<FollowUpRow | null>;
  updateFollowUp(
    id: string,
    change: Partial<Pick<FollowUpRow, "state" | "askedAt" | "answeredAt" | "answeredBy">>,
  ): Promise<void>;
  enqueue(messages: readonly OutgoingMessage[], now: Date): Promise<void>;
  appendAudit(entry: AuditInput): Promise<void>;
  claimOnce(key: string): Promise<boolean>;
}

/** Pupils, their register, triggers and follow-ups: need-to-know data, kept only as the retention policy says. */
export interface AttendanceStore {
  /** Saves a whole register in one transaction: all of it, or (on any failure) none. */
  saveRegister(batch: RegisterBatch, onProgress?: (written: number, total: number) => void): Promise<void>;
  latestDay(): Promise<string | null>;
  /** Every pupil's register days from `since` (YYYY-MM-DD) on. */
  registerSince(since: string): Promise<Map<string, RegisterDay[]>>;
  getPupil(pupilId: string): Promise<StoredPupil | null>;
  listPupils(pupilIds: readonly string[]): Promise<Map<string, StoredPupil>>;
  getTrigger(id: string): Promise<TriggerRow | null>;
  listTriggers(query: { state?: TriggerRow["state"]; kind?: TriggerKind; pupilId?: string }): Promise<TriggerRow[]>;
  getFollowUp(id: string): Promise<FollowUpRow | null>;
  listFollowUps(visitId?: string): Promise<FollowUpRow[]>;
  /** Latest Home Visit Form of visits recorded before `before` whose agreements have no follow-ups yet. */
  recordsWithoutFollowUps(before: Date): Promise<{ visitId: string; form: Record<string, unknown>; submittedAt: Date }[]>;
  dueFollowUps(now: Date): Promise<FollowUpRow[]>;
  lastSync(source: string): Promise<Date | null>;
  saveSync(source: string, at: Date): Promise<void>;
  inTransaction<T>(work: (tx: AttendanceTx) => Promise<T>): Promise<T>;
  /** Removes register days, pupils and triggers older than `before`; returns how many of each. */
  removeExpired(before: Date): Promise<{ days: number; pupils: number; triggers: number; followUps: number }>;
}
