/** `npx tsx bench/attendance-only.ts`: just the attendance import figure of `npm run bench`. */
import { runAttendanceImportBench } from "./attendance-import.js";

await runAttendanceImportBench();
process.exit(0);
