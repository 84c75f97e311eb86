// The ONE exception list of the golden replay: exchanges where the real server answered 500 (its
// bugs, docs/sandbox.md "Hazards and `--strict`") and the sandbox may instead answer a 400 whose body names the
// field. By default the sandbox reproduces these 500s exactly; `strict: true` gives the 400s.
// Nothing else may differ from a transcript.

export interface ReplayException {
  transcript: string;
  /** Line number in the transcript, the seed line being 0 (as `npm run replay` numbers them). */
  exchange: number;
  reason: string;
}

export const EXCEPTIONS: ReplayException[] = [
  {
    transcript: "jumpserver-v3.10.23-strategy.jsonl",
    exchange: 33,
    reason:
      "approve body without apply_date_start/apply_date_expired: KeyError in ApproveAssetSerializer.validate (fixed in v4.10.19, which answers 400 naming both dates)",
  },
  {
    transcript: "jumpserver-v3.10.23-strategy.jsonl",
    exchange: 60,
    reason:
      "PATCHed flow rule without strategy/assignees: TypeError in TicketFlow rule create_or_update",
  },
  {
    transcript: "jumpserver-v4.10.16-selector.jsonl",
    exchange: 33,
    reason:
      "approve body without apply_date_start/apply_date_expired: KeyError in ApproveAssetSerializer.validate",
  },
];
