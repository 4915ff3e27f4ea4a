// The month every estimate uses. Infracost and Heroku price a month as 730 hours (8,760 / 12),
// Cloud Run's examples and some calculators use 30 days (720 h): a 1.4% difference, so apiship
// picks one and prints it (research §6, pitfall 9).

/** Hours in the estimate's month: 730 (365 × 24 / 12), as Infracost uses. */
export const HOURS_PER_MONTH = 730;

/** Seconds in the estimate's month: 730 h × 3,600 s = 2,628,000 s. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** Mean arrival rate (requests per second) of a monthly request count. */
export function meanRate(monthlyRequests: number): number {
  return monthlyRequests / SECONDS_PER_MONTH;
}
