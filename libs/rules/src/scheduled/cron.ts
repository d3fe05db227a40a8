/**
 * Five-field cron (minute hour day-of-month month day-of-week, UTC): `*`, numbers, ranges
 * `a-b`, lists `a,b` and steps `*\/n` or `a-b/n`; day of week 0-7 with 0 and 7 for Sunday. As
 * in Vixie cron, when both day fields are restricted a day matching either one fires.
 */
export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  readonly anyDay: boolean;
  readonly anyWeekday: boolean;
}

const FIELDS: ReadonlyArray<{ name: string; min: number; max: number }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

function parseField(text: string, { name, min, max }: (typeof FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new RangeError(`the ${name} field "${text}" is not a number, range, list or step`);
    const from = match[1] === '*' ? min : Number(match[2]);
    const to = match[1] === '*' ? max : match[3] === undefined ? (match[4] === undefined ? from : max) : Number(match[3]);
    const step = match[4] === undefined ? 1 : Number(match[4]);
    if (from < min || to > max || from > to || step < 1) throw new RangeError(`the ${name} field "${text}" is outside ${min}-${max}`);
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

/** Throws RangeError naming the bad field. */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new RangeError(`"${expression}" has ${parts.length} fields; a cron schedule has 5 (minute hour day-of-month month day-of-week)`);
  const [minutes, hours, days, months, weekdays] = parts.map((part, index) => parseField(part, FIELDS[index]!));
  if (weekdays!.has(7)) weekdays!.add(0);
  return { minutes: minutes!, hours: hours!, days: days!, months: months!, weekdays: weekdays!, anyDay: parts[2] === '*', anyWeekday: parts[4] === '*' };
}

export function cronMatches(schedule: CronSchedule, time: Date): boolean {
  if (!schedule.minutes.has(time.getUTCMinutes()) || !schedule.hours.has(time.getUTCHours()) || !schedule.months.has(time.getUTCMonth() + 1)) return false;
  const day = schedule.days.has(time.getUTCDate());
  const weekday = schedule.weekdays.has(time.getUTCDay());
  if (schedule.anyDay || schedule.anyWeekday) return day && weekday;
  return day || weekday;
}
