/**
 * `npm run bench`: prints the figures the issues set targets for. Uses PostgreSQL when
 * TEST_DATABASE_URL or DATABASE_URL is set (or one answers on 127.0.0.1:5432), PGlite otherwise.
 */
import { printCodeMeasures } from "../scripts/measure-code.js";
import setup from "../test/support/global-setup.js";
import { runAttendanceImportBench } from "./attendance-import.js";
import { runDuplicateBench } from "./duplicates.js";
import { runManySchoolsBench } from "./many-schools.js";
import { measureShutdown } from "./measure-shutdown.js";
import { runSlackAckBench } from "./slack-ack.js";
import { runTickBench } from "./tick.js";

await setup();
// First: it takes a second and needs no database, so it is printed even if a later bench fails.
console.log(
  "\n# Code size (targets: no file in src/ over 300 lines, each adapter under 12% of src/, no repeated block of 6+ lines)",
);
printCodeMeasures();
console.log("\n# Safety tick (target: one tick over 5,000 active visits ≤ 200 ms; escalation ≤ 10 s late)");
const tick = await runTickBench();
console.log("\n# Slack acknowledgement latency at 50 concurrent requests (target p99 ≤ 100 ms on PostgreSQL)");
await runSlackAckBench();
// The same with a new connection for every request: each waits for its TCP set-up too, which on a
// small machine competes for the CPU with the Web API stand-in and the database.
await runSlackAckBench({ newConnections: true });
// The first version of this benchmark, for comparison: the load generator and the Web API stub in
// the bot's process, where their work delays the bot's answers and their own reading of them.
await runSlackAckBench({ slackSide: "in-process" });
console.log("\n# Delivery with two instances (target: 0 duplicate messages with Slack answering posts in 1.5 s)");
const duplicates = await runDuplicateBench();
console.log(
  "\n# Many schools: 50 × 100 visits, two instances on one PostgreSQL, one slow platform (targets: lateness p99 ≤ 10 s, aim ≤ 1 s; 0 duplicates)",
);
await runManySchoolsBench({ single: { tick, duplicates } });
console.log("\n# Attendance import (target: a 2,000-pupil, 190-day register in under 10 s)");
await runAttendanceImportBench();
console.log("\n# Shutdown (target: exit 0 within SHUTDOWN_SECONDS = 10 whatever Slack does)");
await measureShutdown();
process.exit(0);
