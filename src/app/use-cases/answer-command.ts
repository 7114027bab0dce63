import { ADMIN_ROLE } from "../../domain/roles.js";
import { type ChannelRole, channelRoles, findStaff, hasAnyRole, type Platform } from "../../domain/school-directory.js";
import type { Actor } from "../../domain/visit.js";
import { importFromChat } from "../attendance/import-from-chat.js";
import type { RegisterFile } from "../attendance/import-register.js";
import { errorText } from "../messages/error-text.js";
import { myDetailsForm, requestPrefill } from "../messages/my-details-form.js";
import type { NeutralForm, NeutralMessage } from "../messages/neutral-message.js";
import { adminHelp } from "../messages/people-messages.js";
import { requestForm } from "../messages/request-form.js";
import type { GroupMention, Mention, PlatformPeople } from "../people-port.js";
import type { AppContext, MessageRef } from "../ports.js";
import { cancelVisit } from "./cancel-visit.js";
import { describeMyVisits, listUpcomingVisits } from "./list-visits.js";
import { manageRoles } from "./manage-roles.js";
import { setUpChannel } from "./set-up-channel.js";
import { shareExport } from "./share-export.js";
import { viewRecord } from "./view-record.js";

const SHARED_HELP = [
  "homevisit — request a home visit (opens the form)",
  "homevisit status — your open visits and what is due next",
  "homevisit me — your mobile and car, which your request forms start from",
  "homevisit list — all open and upcoming visits (approvers and the office)",
  "homevisit cancel HV-XXXXX reason — cancel a visit (say why)",
  "homevisit record HV-XXXXX — read a completed Home Visit Form (the pair, approvers, DSL)",
  "homevisit export 2026-09-01 2026-12-31 — records for a safeguarding system (DSL, headteacher)",
  "homevisit attendance — with the register export (CSV) attached: import it (DSL, attendance champion, headteacher)",
  "homevisit help — this help",
];

const PLATFORM_HELP: Record<Platform, string[]> = {
  slack: [
    "/homevisit setup approvals (or visits, alerts, records), typed in a channel — use this channel for that",
    "/homevisit setup school Oak Primary — link this workspace to a school, or start a new one (admins)",
    "In a visit's thread, or a direct message to me, reply: leaving, arrived, no answer, parents late, in, ok, delay 15, left, back, help.",
  ],
  teams: [
    "homevisit setup approvals (or visits, alerts, records), typed in a Teams channel — use this channel for that",
    "homevisit setup school Oak Primary — link this team to a school, or start a new one (admins)",
    "In a channel, @mention homevisit; in our 1:1 chat just type the words.",
    "In a visit's thread (with @homevisit) or our 1:1 chat, reply: leaving, arrived, no answer, parents late, in, ok, delay 15, left, back, help.",
  ],
  console: ["In a visit's thread, reply: leaving, arrived, no answer, parents late, in, ok, delay 15, left, back, help."],
};

/** The commands, as the person's own platform has them (Teams has setup; Slack types a slash); admins see theirs too. */
export function commandHelp(platform: Platform, admin = false): string {
  return [...SHARED_HELP, ...(admin ? adminHelp(platform) : []), ...PLATFORM_HELP[platform]].join("\n");
}

/** Whether this person is one of the school's homevisit admins (their help lists the admin commands). */
export function isAdminActor(ctx: AppContext, actor: { staffId: string }): boolean {
  return hasAnyRole(findStaff(ctx.directory, actor.staffId), [ADMIN_ROLE]);
}

/** The first words of the commands, so a direct message "status" is a command, not a reply. */
export const COMMAND_VERBS = new Set([
  "status",
  "list",
  "cancel",
  "record",
  "export",
  "new",
  "request",
  "setup",
  "set-up",
  "me",
  "attendance",
  "admin",
]);

const FORM_COMMANDS = new Set(["", "new", "request", "me"]);

/** Whether the command opens a form (the request form, `me`), so a platform can acknowledge first. */
export function opensForm(text: string): boolean {
  return FORM_COMMANDS.has((text.trim().split(/\s+/)[0] ?? "").toLowerCase());
}

export type CommandAnswer =
  /** A form to open privately (the request form, `me`): a Slack modal, a Teams card, the console's form. */
  { kind: "open_form"; form: NeutralForm } | { kind: "text"; text: string } | { kind: "message"; message: NeutralMessage };

export interface CommandOptions {
  /** The channel the command was typed in (not a direct message), for `setup`. */
  channel?: MessageRef;
  /** The file shared with the message or the command, fetched only once the person may import it. */
  attachment?: () => Promise<RegisterFile | null>;
  /** The platform's id for the message, so a retried delivery imports once. */
  onceKey?: string;
  /** People @mentioned in the command (not the bot), in order: `admin grant @Ben deputy_dsl`. */
  mentions?: readonly Mention[];
  /** Platform groups mentioned: `admin bind dsl @dsl-team`. */
  groups?: readonly GroupMention[];
  /** What the platform can say about its people (profiles, group members). */
  people?: PlatformPeople;
}

/** Reads a subcommand and answers it; adapters only render the answer. */
export async function answerCommand(
  ctx: AppContext,
  actor: Actor,
  text: string,
  options: CommandOptions = {},
): Promise<CommandAnswer> {
  const [sub = "", ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const say = (answer: string): CommandAnswer => ({ kind: "text", text: answer });
  switch (sub.toLowerCase()) {
    case "":
    case "new":
    case "request":
      return {
        kind: "open_form",
        form: requestForm(
          ctx.policy,
          ctx.directory,
          actor.staffId,
          requestPrefill(await ctx.store.getStaffDetails(actor.staffId)),
        ),
      };
    case "me":
      return {
        kind: "open_form",
        form: myDetailsForm(await ctx.store.getStaffDetails(actor.staffId), findStaff(ctx.directory, actor.staffId)?.mobile),
      };
    case "help":
    case "?":
      return say(commandHelp(actor.platform, isAdminActor(ctx, actor)));
    case "status":
      return say(await describeMyVisits(ctx, actor));
    case "list":
      return say(
        (await listUpcomingVisits(ctx, actor)) ??
          "Sorry, only approvers and the school office can list everyone's visits. homevisit status shows yours.",
      );
    case "cancel": {
      const [visitId, ...reason] = rest;
      if (!visitId) return say("Which visit? Type homevisit cancel HV-XXXXX and the reason.");
      const result = await cancelVisit(ctx, actor, visitId, reason.join(" "));
      return say(
        result.ok
          ? `Home visit ${result.value.id} is cancelled: ${result.value.progress.cancelReason}.`
          : errorText(result.error),
      );
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
      return result.ok ? { kind: "message", message: result.value.message } : say(errorText(result.error));
    }
    case "attendance":
      return say(await importFromChat(ctx, actor, options));
    case "admin":
      return say(await manageRoles(ctx, actor, rest, options));
    case "setup":
    case "set-up": {
      const asked = (rest[0] ?? "").toLowerCase();
      const role = (channelRoles as readonly string[]).includes(asked) ? (asked as ChannelRole) : null;
      if (!options.channel)
        return say("Type this in the channel you want to use, e.g. homevisit setup approvals (with an @mention in Teams).");
      if (!role)
        return say(
          `Which messages should this channel get? Type homevisit setup approvals, visits, alerts or records${asked ? ` ("${asked.slice(0, 20)}" is not one of them)` : ""}.`,
        );
      const result = await setUpChannel(ctx, actor, role, options.channel);
      return say(result.ok ? result.value : errorText(result.error));
    }
    default:
      return say(`I don't know "${sub.slice(0, 40)}".\n${commandHelp(actor.platform, isAdminActor(ctx, actor))}`);
  }
}
