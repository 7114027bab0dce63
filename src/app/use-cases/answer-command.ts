import type { Actor } from "../../domain/visit.js";
import type { AppContext } from "../app-context.js";
import { errorText } from "../messages/error-text.js";
import type { NeutralMessage } from "../messages/neutral-message.js";
import { cancelVisit } from "./cancel-visit.js";
import { describeMyVisits, listUpcomingVisits } from "./list-visits.js";
import { shareExport } from "./share-export.js";
import { viewRecord } from "./view-record.js";

/** The words after `/homevisit` (Slack) or `homevisit` (Teams, console): one vocabulary everywhere. */
export const COMMAND_HELP = [
  "homevisit — request a home visit (opens the form)",
  "homevisit status — your open visits and what is due next",
  "homevisit list — all open and upcoming visits (approvers and the office)",
  "homevisit cancel HV-XXXXX [reason] — cancel a visit",
  "homevisit record HV-XXXXX — read a completed Home Visit Form (the pair, approvers, DSL)",
  "homevisit export 2026-09-01 2026-12-31 — records for a safeguarding system (DSL, headteacher)",
  "homevisit help — this help",
  "In a visit's thread, reply: leaving, arrived, no answer, parents late, in, ok, delay 15, left, back, help.",
].join("\n");

export type CommandAnswer =
  | { kind: "open_request_form" }
  | { kind: "text"; text: string }
  | { kind: "message"; message: NeutralMessage };

/** Reads a subcommand and answers it; adapters only render the answer. */
export async function answerCommand(ctx: AppContext, actor: Actor, text: string): Promise<CommandAnswer> {
  const [sub = "", ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const say = (answer: string): CommandAnswer => ({ kind: "text", text: answer });
  switch (sub.toLowerCase()) {
    case "":
    case "new":
    case "request":
      return { kind: "open_request_form" };
    case "help":
      return say(COMMAND_HELP);
    case "status":
      return say(await describeMyVisits(ctx, actor));
    case "list":
      return say(
        (await listUpcomingVisits(ctx, actor)) ??
          "Sorry, only approvers and the school office can list everyone's visits. homevisit status shows yours.",
      );
    case "cancel": {
      const [visitId, ...reason] = rest;
      if (!visitId) return say("Which visit? Type homevisit cancel HV-XXXXX, optionally followed by a reason.");
      const result = await cancelVisit(ctx, actor, visitId, reason.join(" ") || `cancelled in ${actor.platform}`);
      return say(result.ok ? `Home visit ${result.value.id} is cancelled.` : errorText(result.error));
    }
    case "record": {
      const [visitId] = rest;
      if (!visitId) return say("Which visit? Type homevisit record HV-XXXXX.");
      const result = await viewRecord(ctx, actor, visitId);
      return result.ok ? { kind: "message", message: result.value } : say(errorText(result.error));
    }
    case "export": {
      const [from, to] = rest;
      if (!from || !to) return say("Give two dates: homevisit export 2026-09-01 2026-12-31.");
      const result = await shareExport(ctx, actor, from, to);
      return say(result.ok ? result.value.text : errorText(result.error));
    }
    default:
      return say(`I don't know "${sub}".\n${COMMAND_HELP}`);
  }
}
