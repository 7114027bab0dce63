import type { ChannelRole } from "../../../../src/domain/school-directory.js";
import type { Visit } from "../../../../src/domain/visit.js";

/**
 * What a scenario needs from a chat platform, in the school's words rather than the platform's.
 * Teams implements it here (teams-driver.ts); a Slack driver can implement the same, so the
 * scenarios in scenarios.ts can later run on both.
 */
export type StaffKey = "requester" | "second" | "dsl" | "deputy" | "head" | "office" | "stranger";

/** Request form values by field id; datetimes as ISO instants, as a person would mean them. */
export type RequestValues = Record<string, string | number | boolean | undefined>;

export interface Press {
  /** The press changed something (the card was replaced, or a confirmation shown). */
  accepted: boolean;
  /** What the presser saw: the replacement card's text, the confirmation, or the refusal. */
  text: string;
  /** A refusal's DomainError code, where the platform carries one. */
  code?: string;
}

export type Place = ChannelRole | "thread" | { dm: StaffKey };

export interface ChatDriver {
  readonly platform: "teams" | "slack";
  /** Opens the form and submits it; throws unless a visit was created. */
  requestVisit(values?: RequestValues, as?: StaffKey): Promise<Visit>;
  /** Submits the request form; the field errors shown when it is refused. */
  submitRequest(values: RequestValues, as?: StaffKey): Promise<{ visit?: Visit; errors: Record<string, string> }>;
  /** Presses a button (action id) on a visit's card, with any inputs the card asks for. */
  press(as: StaffKey, actionId: string, visitId: string, inputs?: Record<string, string>): Promise<Press>;
  /** Types in the visit's thread; returns what the bot said back to this person at once (not the outbox). */
  reply(as: StaffKey, visitId: string, text: string): Promise<string[]>;
  /** Everything delivered to a place so far (text of each message), optionally only for one visit's thread. */
  delivered(place: Place, visitId?: string): Promise<string[]>;
  visit(id: string): Promise<Visit>;
  /** Delivers the outbox. */
  settle(): Promise<void>;
  /** Moves the clock on and runs the safety tick. */
  advance(minutes: number): Promise<void>;
}
