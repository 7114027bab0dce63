import { runAttendanceImportBench } from "./attendance-import.js";

await runAttendanceImportBench();
process.exit(0);
