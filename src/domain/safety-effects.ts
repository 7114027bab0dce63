import type { EscalationStep } from "./policy.js";
import type { AlarmKind, LadderReason } from "./visit.js";

/**
 * What the visit's thread (or the DM it came from) answers one of the pair. Events, not sentences:
 * app/messages words each once, so the answer to the code word is by construction the answer to
 * an ordinary check-in.
 */
export type ReplyAnswer =
  | { kind: "checked_in"; at: string; nextDue: string }
  | { kind: "set_off"; nextDue: string; everyMinutes: number; policeAccompaniment: boolean }
  | { kind: "at_door"; waitUntil: string }
  | { kind: "no_answer"; waitUntil: string }
  | { kind: "parents_late"; waitUntil: string; extended: boolean }
  | { kind: "inside"; nextDue: string }
  | { kind: "delayed"; nextDue: string; backBy: string }
  | { kind: "start_delayed"; startBy: string; backBy: string }
  | { kind: "left_address"; nextDue: string }
  | { kind: "ended_not_returning"; skipped?: number[] }
  /** `skipped`: a day of visits with stops never reached, recorded as skipped. */
  | { kind: "welcome_back"; skipped?: number[] }
  /** A day of visits: on to stop `stop` of `of`, due there at `time`. */
  | { kind: "next_stop"; stop: number; of: number; time?: string; nextDue: string }
  /** `next` at the last stop (or on a visit to one home): there is none. */
  | { kind: "no_next_stop"; stops: number }
  /** A check-in after the visit was cancelled while they were out: noted, and "reply back". */
  | { kind: "cancelled_reply_back" }
  | { kind: "help"; everyMinutes: number }
  /** "help me", "unsafe": said out loud, so the person knows help is coming. */
  | { kind: "alarm_raised" }
  /** Words homevisit does not read as a reply, while the visit runs: a person will read them. */
  | { kind: "not_understood" };

/**
 * What the domain decides should happen, in platform-neutral terms. The application layer turns
 * each effect into messages in the outbox; adapters render them.
 */
export type SafetyEffect =
  | { type: "answer"; answer: ReplyAnswer; to: string }
  | { type: "open_thread" }
  | { type: "approval_reminder"; waitingMinutes: number }
  | { type: "prompt_check_in"; due: string; responsibleContact: boolean }
  | { type: "start_question"; plannedStart: string }
  | { type: "not_started"; to: "office" | "approver"; askedAt: string }
  | {
      type: "escalation_step";
      step: EscalationStep;
      stepIndex: number;
      reason: LadderReason;
      targets: string[];
      /** The ladder run this step belongs to (its start), so its cards can be found again. */
      episode: string;
    }
  /** One of the pair checked in while the ladder ran: everyone it reached stands down. */
  | { type: "ladder_stood_down"; by: string; at: string; reached: string[]; episodes: string[] }
  /** Someone took the alert ("I'm calling them"): the ladder and the alarm pause until `until`. */
  | { type: "alert_taken"; by: string; at: string; until: string; note?: string; reached: string[]; episodes: string[] }
  /** The alarm goes out (first time, a repeat, or after a stale acknowledgement). */
  | {
      type: "alarm_alert";
      kind: AlarmKind;
      repeat: number;
      by?: string;
      targets: string[];
      step?: EscalationStep;
      episode: string;
    }
  /** Someone who is not on the visit confirmed the staff are safe, and how they know. */
  | { type: "alarm_stood_down"; by: string; how: SafeHow; note?: string; reached: string[]; episodes: string[] }
  /** `nextStop`: on a day of visits the pair move on rather than the visit being cancelled (null at the last stop). */
  | { type: "doorstep_timeout"; notify: string[]; reason: "no_answer" | "parents_late"; stop?: number; nextStop?: number | null }
  | { type: "delay_notice"; minutes: number; expectedReturn: string }
  /** What the pair typed that homevisit could not read, for the office to read instead. */
  | { type: "unread_message"; by: string; text: string }
  | { type: "visit_cancelled"; by: string; reason: string; staffAway: boolean; notify: string[] }
  /** Nobody answered: the pair are sent the school's "We called today" card (once per visit). */
  | { type: "we_called_card"; at: string }
  | { type: "request_record" }
  | { type: "record_reminder"; to: "lead" | "dsl" };

/** How a responder knows the staff are safe. */
export type SafeHow = "phone" | "in_person" | "back_at_school" | "other";

/** Answers whether anyone can be told for a ladder target (a role, `pair`, `alerts`…). */
export type Reach = (target: string) => boolean;
