/**
 * `npm run bench`: prints the figures the issues set targets for. Uses PostgreSQL when
 * TEST_DATABASE_URL or DATABASE_URL is set (or one answers on 127.0.0.1:5432), PGlite otherwise.
 */
import setup from "../test/support/global-setup.js";
import { runSlackAckBench } from "./slack-ack.js";
import { runTickBench } from "./tick.js";

await setup();
console.log("\n# Safety tick (target: one tick over 5,000 active visits ≤ 200 ms; escalation ≤ 10 s late)");
await runTickBench();
console.log("\n# Slack acknowledgement latency at 50 concurrent requests (target p99 ≤ 100 ms on PostgreSQL)");
await runSlackAckBench();
process.exit(0);
