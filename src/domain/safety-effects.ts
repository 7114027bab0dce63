import type { EscalationStep } from "./policy.js";
import type { LadderReason } from "./visit.js";

/**
 * What the safety engine decides should be said, to whom, in platform-neutral terms.
 * The application layer turns each effect into messages in the outbox; adapters render them.
 */
export type SafetyEffect =
  | { type: "thread_reply"; text: string }
  | { type: "open_thread" }
  | { type: "approval_reminder"; waitingMinutes: number }
  | { type: "prompt_check_in"; due: string; responsibleContact: boolean }
  | { type: "escalation_step"; step: EscalationStep; stepIndex: number; reason: LadderReason; targets: string[] }
  | { type: "ladder_stood_down"; by: string; reached: string[] }
  | { type: "ladder_acknowledged"; by: string; until: string; note?: string; reached: string[] }
  | { type: "code_word_alert"; by: string }
  | { type: "doorstep_timeout"; notify: string[] }
  | { type: "delay_notice"; minutes: number; expectedReturn: string }
  | { type: "request_record" }
  | { type: "record_reminder"; to: "lead" | "dsl" };

/** Answers whether anyone can be told for a ladder target (a role, `pair`, `alerts`…). */
export type Reach = (target: string) => boolean;
