import type { ChannelRole } from "../../../src/domain/school-directory.js";
import type { Visit } from "../../../src/domain/visit.js";

/**
 * What a scenario needs from a chat platform, in the school's words rather than the platform's.
 * Each platform implements it over its real inbound HTTP endpoint and reads what the platform was
 * sent from a local stand-in for its API: Teams in teams/support/teams-harness.ts, Slack in
 * slack/support/slack-driver.ts. The scenarios in scenarios.ts are written against this alone.
 */
export type StaffKey = "requester" | "second" | "dsl" | "deputy" | "head" | "office" | "stranger";

/** Form values by field id; datetimes as ISO instants, as a person would mean them. */
export type RequestValues = Record<string, string | number | boolean | undefined>;

export interface Press {
  /** The press changed something (the card was replaced, the visit moved, or a form opened). */
  accepted: boolean;
  /** What the presser saw: the replacement card's text, the confirmation, the form, or the refusal. */
  text: string;
  /** A refusal's DomainError code, where the platform carries one. */
  code?: string;
}

export interface FormOutcome {
  /** The form was accepted and stored. */
  saved: boolean;
  /** Field id → the error shown under it, when the form came back. */
  errors: Record<string, string>;
  /** What the person saw after pressing submit (a confirmation, the form again, or a refusal). */
  text: string;
}

/** One message as people in a place now see it: posted once, perhaps edited in place since. */
export interface ShownMessage {
  /** The platform's id for the message (Teams activity id, Slack ts). */
  id: string;
  /** Its text as it reads now, after any edits. */
  text: string;
  /** How many times it was edited in place. */
  edits: number;
}

/**
 * A channel role (the channel and every thread in it), one visit's thread in the visits channel,
 * or someone's direct messages with the bot.
 */
export type Place = ChannelRole | "thread" | { dm: StaffKey };

export interface ChatDriver {
  readonly platform: "teams" | "slack";
  /** Opens the request form and submits it; throws unless a visit was created. */
  requestVisit(values?: RequestValues, as?: StaffKey): Promise<Visit>;
  /** Opens the request form and submits it; the field errors shown when it is refused. */
  submitRequest(values: RequestValues, as?: StaffKey): Promise<{ visit?: Visit; errors: Record<string, string> }>;
  /**
   * Presses a button (action id) where the bot last showed it for this visit: the approval card, a
   * thread prompt, a direct message. `inputs` are whatever the button asks for (a decline reason,
   * conditions): on the card itself, or in the form the button opens.
   */
  press(as: StaffKey, actionId: string, visitId: string, inputs?: Record<string, string>): Promise<Press>;
  /** Types in the visit's thread; what the bot answered this person at once (not the outbox). */
  reply(as: StaffKey, visitId: string, text: string): Promise<string[]>;
  /** Opens the Home Visit Form from the button the bot sent, and submits these values. */
  submitRecord(as: StaffKey, visitId: string, values: RequestValues): Promise<FormOutcome>;
  /**
   * The text of every message the bot posted to a place for everyone there, and of every edit, in
   * order. `visitId` is needed for "thread" only. Answers only the actor saw are not included.
   */
  delivered(place: Place, visitId?: string): Promise<string[]>;
  /** The place's messages as they read now: each once, with edits applied. */
  shown(place: Place, visitId?: string): Promise<ShownMessage[]>;
  /**
   * Everything the platform was sent for a place, as sent (JSON): posts, edits, and answers meant
   * for one person there. For "this never appears there" checks.
   */
  sentTo(place: Place, visitId?: string): Promise<string[]>;
  /** Types `homevisit <text>` (Slack: /homevisit <text>) privately; what this person was answered. */
  command(as: StaffKey, text: string): Promise<string>;
  /** Writes straight to the bot; what it answered there once the outbox is delivered. */
  directMessage(as: StaffKey, text: string): Promise<string[]>;
  /**
   * Replies in a thread of the visits channel that homevisit has no record of: a thread whose
   * opener's post is still on its way, or a second one left by a post retried after a crash.
   */
  replyInStrayThread(as: StaffKey, text: string): Promise<void>;
  /**
   * An approver approves while the platform is slow to answer posts (1.5 s): the visit's thread
   * opener is already in the channel, but the bot does not yet know its id, when `as` replies
   * under it. Resolves once everything has been delivered.
   */
  approveAndReplyBeforeThreadKnown(approver: StaffKey, visitId: string, as: StaffKey, text: string): Promise<void>;
  /** From now on every message to this person's direct messages fails (5xx, as one person's chat can). */
  breakDirectMessages(to: StaffKey): void;
  visit(id: string): Promise<Visit>;
  /** Waits for the work behind every answer, then delivers the outbox. */
  settle(): Promise<void>;
  /** Moves the clock on and runs the safety tick. */
  advance(minutes: number): Promise<void>;
  close(): Promise<void>;
}
