import { stopCount, stopsOf } from "../../domain/stops.js";
import type { Visit } from "../../domain/visit.js";
import type { NeutralMessage } from "./neutral-message.js";
import { dayOf, mobilesText, planLine, staffNames, vehicleText } from "./visit-details.js";

/**
 * The schedule left with the office and the head before a day of visits sets off (Heather Avenue:
 * "names, dates, times and locations of all planned visits"). Direct messages to those roles only.
 */
export function stopPlanMessage(visit: Visit): NeutralMessage {
  const lines = stopsOf(visit).map((stop) => planLine(visit, stop));
  return {
    text: `Plan for home visit ${visit.id}: ${stopCount(visit)} homes on ${dayOf(visit, visit.request.plannedStart)}`,
    title: `Home visit ${visit.id}: the day's plan`,
    blocks: [
      {
        type: "text",
        text: `*Home visit ${visit.id} is approved: ${stopCount(visit)} homes on ${dayOf(visit, visit.request.plannedStart)}.* Keep this plan until they are back.`,
      },
      {
        type: "fields",
        fields: [
          { label: "Homes", value: lines.join("\n") },
          { label: "Staff", value: staffNames(visit) },
          { label: "Mobiles", value: mobilesText(visit) },
          { label: "Vehicle", value: vehicleText(visit) },
        ],
      },
    ],
  };
}
