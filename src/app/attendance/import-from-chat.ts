import type { Actor } from "../../domain/visit.js";
import { errorText } from "../messages/error-text.js";
import type { AppContext } from "../ports.js";
import { describeImport, importRegister, mayImport, type RegisterFile } from "./import-register.js";

const HOW = {
  slack:
    "Share the register export (CSV) with me in a message, with the words homevisit attendance, or share it and then type /homevisit attendance in the same conversation.",
  teams: "Attach the register export (CSV) to a message to me in our 1:1 chat, with the words homevisit attendance.",
  console: "Use npm run attendance:import -- <file.csv> on the server.",
} as const;

/** `homevisit attendance` with the export attached: only the roles the policy names, then the import. */
export async function importFromChat(
  ctx: AppContext,
  actor: Actor,
  options: { attachment?: () => Promise<RegisterFile | null>; onceKey?: string },
): Promise<string> {
  if (!mayImport(ctx, actor))
    return `Sorry, only ${ctx.policy.attendance.importRoles.join(", ").replace(/_/g, " ")} can import the attendance register.`;
  if (!ctx.registerMapping) return "The attendance import is not set up on this server (ATTENDANCE_MAPPING_FILE).";
  let file: RegisterFile | null = null;
  try {
    file = (await options.attachment?.()) ?? null;
  } catch (error) {
    ctx.log.warn("attendance: the attached file could not be fetched", { error: String(error) });
    return "I could not fetch the attached file from the chat. Please share it again.";
  }
  if (!file) return `No file came with that. ${HOW[actor.platform]}`;
  if (!/\.(csv|txt)$/i.test(file.name)) return `${file.name} is not a CSV file. Export the register as CSV and send it again.`;
  const outcome = await importRegister(ctx, actor, file, {
    mapping: ctx.registerMapping,
    ...(options.onceKey ? { onceKey: options.onceKey } : {}),
  });
  return "error" in outcome && !outcome.ok ? errorText(outcome.error) : describeImport(outcome, file.name);
}
