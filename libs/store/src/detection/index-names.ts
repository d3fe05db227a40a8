export interface DetectionIndexNames {
  readonly rules: string;
  readonly ruleVersions: string;
  readonly alerts: string;
}

/**
 * The rule and alert indices beside the events of `eventPrefix`: `siem-events-` gives
 * `siem-rules`, `siem-rule-versions` and `siem-alerts`. A prefix that does not end in
 * `events-` gets `.rules` and so on after it without its last separator (`acme-` gives
 * `acme.rules`), so that the event searches over `<prefix>*` never read rules or alerts.
 */
export function detectionIndexNames(eventPrefix: string): DetectionIndexNames {
  const base = eventPrefix.endsWith('events-') ? eventPrefix.slice(0, -'events-'.length) : `${eventPrefix.replace(/[-_.]+$/, '')}.`;
  return { rules: `${base}rules`, ruleVersions: `${base}rule-versions`, alerts: `${base}alerts` };
}
