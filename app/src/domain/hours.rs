//! Opening hours and the slot grid of a date.
//!
//! A restaurant opens in one or more periods a weekday; a period may pass
//! midnight (18:00–02:00), and then its late slots still belong to the day it
//! opened, as a restaurant counts its service. Slots start every
//! `slot_minutes` from the start of each period, and a slot exists only if a
//! reservation starting then ends by closing time. Everything is read in the
//! restaurant's time zone: a wall time skipped by a daylight-saving change
//! yields no slot, and a repeated wall time yields one slot, not two.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _, Utc, Weekday,
};
use serde::{Deserialize, Serialize};

use super::limits;
use super::values::{ParseError, TimeZone};

const DAY_MINUTES: u16 = 24 * 60;
const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// One opening period: on `day`, from `open` to `close` minutes after that
/// day's midnight. `close` is after `open` and at most a day later, so a
/// value over 1440 means the period ends after midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub day: Weekday,
    pub open: u16,
    pub close: u16,
}

/// A period as the API and forms write it: `{"day":"mon","open":"12:00","close":"22:00"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PeriodSpec {
    #[cfg_attr(feature = "ssr", schema(pattern = r"^(mon|tue|wed|thu|fri|sat|sun)$"))]
    pub day: String,
    #[cfg_attr(feature = "ssr", schema(pattern = r"^(([01]?[0-9]|2[0-3]):[0-5][0-9]|24:00)$"))]
    pub open: String,
    #[cfg_attr(feature = "ssr", schema(pattern = r"^(([01]?[0-9]|2[0-3]):[0-5][0-9]|24:00)$"))]
    pub close: String,
}

/// When a restaurant is open, week by week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningHours(Vec<Period>);

fn parse_day(text: &str) -> Result<Weekday, ParseError> {
    let lower = text.trim().to_ascii_lowercase();
    (0..7u8)
        .find(|&i| {
            let short = DAY_NAMES[i as usize];
            lower == short || lower == full_day_name(short)
        })
        .map(|i| Weekday::try_from(i).expect("0..7 is a weekday"))
        .ok_or_else(|| {
            ParseError(format!("{text:?} is not a day; use mon, tue, wed, thu, fri, sat or sun"))
        })
}

fn full_day_name(short: &str) -> &'static str {
    match short {
        "mon" => "monday",
        "tue" => "tuesday",
        "wed" => "wednesday",
        "thu" => "thursday",
        "fri" => "friday",
        "sat" => "saturday",
        _ => "sunday",
    }
}

/// Minutes after midnight of "HH:MM"; "24:00" is accepted as a closing time.
fn parse_clock(text: &str) -> Result<u16, ParseError> {
    let text = text.trim();
    let bad = || ParseError(format!("{text:?} is not a time; use HH:MM, like 19:30"));
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl Period {
    pub fn parse(spec: &PeriodSpec) -> Result<Self, ParseError> {
        let day = parse_day(&spec.day)?;
        let open = parse_clock(&spec.open)?;
        if open == DAY_MINUTES {
            return Err(ParseError(
                "a period cannot open at 24:00; use 00:00 of the next day".into(),
            ));
        }
        let mut close = parse_clock(&spec.close)?;
        if close == open {
            return Err(ParseError(format!(
                "a period closes after it opens ({} – {})",
                spec.open, spec.close
            )));
        }
        if close < open {
            // Past midnight: 18:00–02:00 closes at 26:00 of the opening day.
            close += DAY_MINUTES;
        }
        Ok(Self { day, open, close })
    }

    pub fn spec(&self) -> PeriodSpec {
        let close = if self.close == DAY_MINUTES {
            "24:00".to_string()
        } else {
            clock(self.close % DAY_MINUTES)
        };
        PeriodSpec {
            day: DAY_NAMES[self.day.num_days_from_monday() as usize].into(),
            open: clock(self.open),
            close,
        }
    }

    /// Start and end in minutes of the week (Monday 00:00 = 0).
    fn week_range(&self) -> (u32, u32) {
        let start = self.day.num_days_from_monday() * DAY_MINUTES as u32 + self.open as u32;
        (start, start + (self.close - self.open) as u32)
    }
}

impl OpeningHours {
    pub const WEEK_MINUTES: u32 = 7 * DAY_MINUTES as u32;

    /// Checks the periods: each valid, none overlapping another (also across
    /// midnight and from Sunday night into Monday).
    pub fn parse(specs: &[PeriodSpec]) -> Result<Self, ParseError> {
        if specs.len() > limits::MAX_PERIODS {
            return Err(ParseError(format!("at most {} opening periods", limits::MAX_PERIODS)));
        }
        let periods = specs.iter().map(Period::parse).collect::<Result<Vec<_>, _>>()?;
        for (i, a) in periods.iter().enumerate() {
            for b in &periods[i + 1..] {
                if overlap_in_week(a.week_range(), b.week_range()) {
                    let (a, b) = (a.spec(), b.spec());
                    return Err(ParseError(format!(
                        "opening periods overlap: {} {}–{} and {} {}–{}",
                        a.day, a.open, a.close, b.day, b.open, b.close
                    )));
                }
            }
        }
        let mut periods = periods;
        periods.sort_by_key(|p| (p.day.num_days_from_monday(), p.open));
        Ok(Self(periods))
    }

    /// Every day 12:00–22:00.
    pub fn every_day(open: &str, close: &str) -> Result<Self, ParseError> {
        let specs: Vec<PeriodSpec> = DAY_NAMES
            .iter()
            .map(|d| PeriodSpec { day: d.to_string(), open: open.into(), close: close.into() })
            .collect();
        Self::parse(&specs)
    }

    pub fn periods(&self) -> &[Period] {
        &self.0
    }

    pub fn specs(&self) -> Vec<PeriodSpec> {
        self.0.iter().map(Period::spec).collect()
    }
}

impl Default for OpeningHours {
    fn default() -> Self {
        Self::every_day("12:00", "22:00").expect("valid default hours")
    }
}

impl Serialize for OpeningHours {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.specs().serialize(s)
    }
}

impl<'de> Deserialize<'de> for OpeningHours {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let specs = Vec::<PeriodSpec>::deserialize(d)?;
        Self::parse(&specs).map_err(serde::de::Error::custom)
    }
}

fn overlap_in_week((a0, a1): (u32, u32), (b0, b1): (u32, u32)) -> bool {
    // Compare b against a shifted by a week either way, for Sunday-night periods.
    let week = OpeningHours::WEEK_MINUTES;
    [0i64, week as i64, -(week as i64)].iter().any(|shift| {
        let (s0, s1) = (b0 as i64 + shift, b1 as i64 + shift);
        (a0 as i64) < s1 && s0 < a1 as i64
    })
}

/// A bookable start time: the instants a reservation starting then would
/// hold, and the wall time the restaurant calls it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub local: NaiveDateTime,
}

/// The slots of `date`: every `slot_minutes` from the start of each period of
/// that weekday, where a reservation of `duration_minutes` ends by closing.
pub fn slot_grid(
    hours: &OpeningHours,
    tz: TimeZone,
    date: NaiveDate,
    slot_minutes: u16,
    duration_minutes: u16,
) -> Vec<Slot> {
    let step = Duration::minutes(slot_minutes.max(1) as i64);
    let duration = Duration::minutes(duration_minutes as i64);
    let midnight = date.and_time(NaiveTime::MIN);
    let mut slots = Vec::new();
    for period in hours.periods().iter().filter(|p| p.day == date.weekday()) {
        let close_local = midnight + Duration::minutes(period.close as i64);
        let Some(close) = resolve_closing(tz, close_local) else { continue };
        let mut local = midnight + Duration::minutes(period.open as i64);
        while local < close_local {
            // A wall time skipped by a DST change has no instant: no slot.
            // A repeated wall time is offered once, at its first occurrence.
            if let Some(start) = tz.0.from_local_datetime(&local).earliest() {
                let start = start.with_timezone(&Utc);
                let end = start + duration;
                if end <= close {
                    slots.push(Slot { start, end, local });
                }
            }
            local += step;
        }
    }
    slots.sort_by_key(|s| s.start);
    slots.dedup_by_key(|s| s.start);
    slots
}

/// The instants between which reservations belong to `date`'s service: from
/// local midnight (or the end of the previous day's late period, if later)
/// to the next midnight (or the end of this day's late period, if later).
pub fn service_day(
    hours: &OpeningHours,
    tz: TimeZone,
    date: NaiveDate,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let instant =
        |local: NaiveDateTime| resolve_closing(tz, local).unwrap_or_else(|| local.and_utc());
    let midnight = |d: NaiveDate| instant(d.and_time(NaiveTime::MIN));
    let late_close = |d: NaiveDate| {
        hours
            .periods()
            .iter()
            .filter(|p| p.day == d.weekday() && p.close > DAY_MINUTES)
            .map(|p| instant(d.and_time(NaiveTime::MIN) + Duration::minutes(p.close as i64)))
            .max()
    };
    let next = date.succ_opt().unwrap_or(date);
    let start =
        date.pred_opt().and_then(late_close).map_or(midnight(date), |c| c.max(midnight(date)));
    let end = late_close(date).map_or(midnight(next), |c| c.max(midnight(next)));
    (start, end)
}

/// The instant of a closing wall time: if a daylight-saving change skips it,
/// the moment the clocks jump (the first wall time after the gap); if one
/// repeats it, its later occurrence.
fn resolve_closing(tz: TimeZone, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    // Gaps last an hour, sometimes half an hour, never more than three.
    (0..=180).find_map(|minute| {
        tz.0.from_local_datetime(&(local + Duration::minutes(minute)))
            .latest()
            .map(|t| t.with_timezone(&Utc))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(day: &str, open: &str, close: &str) -> PeriodSpec {
        PeriodSpec { day: day.into(), open: open.into(), close: close.into() }
    }

    fn tz(name: &str) -> TimeZone {
        TimeZone::parse(name).unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn local_times(slots: &[Slot]) -> Vec<String> {
        slots.iter().map(|s| s.local.format("%H:%M").to_string()).collect()
    }

    #[test]
    fn periods_parse_and_print_back() {
        let p = Period::parse(&spec("fri", "18:00", "02:00")).unwrap();
        assert_eq!(p.close, 26 * 60);
        assert_eq!(p.spec(), spec("fri", "18:00", "02:00"));
        assert_eq!(
            Period::parse(&spec("Monday", "00:00", "24:00")).unwrap().spec(),
            spec("mon", "00:00", "24:00")
        );
        assert!(
            Period::parse(&spec("funday", "12:00", "14:00")).unwrap_err().0.contains("not a day")
        );
        assert!(Period::parse(&spec("mon", "12:60", "14:00")).is_err());
        assert!(Period::parse(&spec("mon", "7pm", "23:00")).is_err());
        assert!(
            Period::parse(&spec("mon", "12:00", "12:00")).unwrap_err().0.contains("closes after")
        );
    }

    #[test]
    fn overlapping_periods_are_refused_even_across_midnight() {
        assert!(
            OpeningHours::parse(&[spec("mon", "12:00", "15:00"), spec("mon", "18:00", "23:00")])
                .is_ok()
        );
        assert!(
            OpeningHours::parse(&[spec("mon", "12:00", "15:00"), spec("mon", "14:00", "23:00")])
                .is_err()
        );
        assert!(
            OpeningHours::parse(&[spec("mon", "18:00", "02:00"), spec("tue", "01:00", "03:00")])
                .is_err()
        );
        assert!(
            OpeningHours::parse(&[spec("sun", "20:00", "03:00"), spec("mon", "02:00", "04:00")])
                .is_err()
        );
        assert!(
            OpeningHours::parse(&[spec("sun", "20:00", "03:00"), spec("mon", "03:00", "04:00")])
                .is_ok()
        );
    }

    #[test]
    fn the_default_grid_is_every_full_hour_that_ends_by_closing() {
        let slots = slot_grid(&OpeningHours::default(), tz("UTC"), date("2026-12-04"), 60, 60);
        assert_eq!(
            local_times(&slots),
            [
                "12:00", "13:00", "14:00", "15:00", "16:00", "17:00", "18:00", "19:00", "20:00",
                "21:00"
            ]
        );
        assert_eq!(slots[0].end - slots[0].start, Duration::minutes(60));
    }

    #[test]
    fn a_closed_weekday_has_no_slots_and_split_days_have_both_services() {
        let hours =
            OpeningHours::parse(&[spec("fri", "12:00", "14:00"), spec("fri", "19:00", "22:00")])
                .unwrap();
        assert!(slot_grid(&hours, tz("UTC"), date("2026-12-03"), 60, 60).is_empty()); // Thursday
        assert_eq!(
            local_times(&slot_grid(&hours, tz("UTC"), date("2026-12-04"), 60, 60)),
            ["12:00", "13:00", "19:00", "20:00", "21:00"]
        );
    }

    #[test]
    fn late_slots_past_midnight_belong_to_the_opening_day() {
        let hours = OpeningHours::parse(&[spec("fri", "22:00", "02:00")]).unwrap();
        let slots = slot_grid(&hours, tz("Europe/Berlin"), date("2026-12-04"), 60, 60);
        assert_eq!(local_times(&slots), ["22:00", "23:00", "00:00", "01:00"]);
        assert_eq!(slots[2].local.date(), date("2026-12-05"));
        assert!(slot_grid(&hours, tz("Europe/Berlin"), date("2026-12-05"), 60, 60).is_empty());
    }

    #[test]
    fn times_are_read_in_the_restaurant_zone() {
        let slots =
            slot_grid(&OpeningHours::default(), tz("America/New_York"), date("2026-12-04"), 60, 60);
        // 12:00 in New York in December is 17:00 UTC.
        assert_eq!(slots[0].start.to_rfc3339(), "2026-12-04T17:00:00+00:00");
    }

    #[test]
    fn a_spring_forward_gap_yields_no_slot() {
        // Europe/Paris skips 02:00–03:00 on 2026-03-29.
        let hours = OpeningHours::parse(&[spec("sun", "00:00", "06:00")]).unwrap();
        let slots = slot_grid(&hours, tz("Europe/Paris"), date("2026-03-29"), 60, 60);
        assert_eq!(local_times(&slots), ["00:00", "01:00", "03:00", "04:00", "05:00"]);
        // America/New_York skips 02:00–03:00 on 2026-03-08; 30-minute grid.
        let slots = slot_grid(&hours, tz("America/New_York"), date("2026-03-08"), 30, 60);
        assert!(!local_times(&slots).iter().any(|t| t.starts_with("02:")));
        assert!(local_times(&slots).contains(&"03:00".to_string()));
    }

    #[test]
    fn a_closing_time_the_clocks_skip_ends_service_when_they_jump() {
        // Open 22:00–02:00 on the night the clocks go forward: 02:00 does
        // not exist, so service ends at 03:00 summer time, and the 01:00
        // sitting (an hour long) still fits.
        let hours = OpeningHours::parse(&[spec("sat", "22:00", "02:00")]).unwrap();
        for (zone, saturday, jump) in [
            ("Europe/Paris", "2026-03-28", "2026-03-29T01:00:00+00:00"),
            ("America/New_York", "2026-03-07", "2026-03-08T07:00:00+00:00"),
        ] {
            let slots = slot_grid(&hours, tz(zone), date(saturday), 60, 60);
            assert_eq!(local_times(&slots), ["22:00", "23:00", "00:00", "01:00"], "{zone}");
            assert_eq!(slots[3].end.to_rfc3339(), jump, "{zone}");
            let (_, end) = service_day(&hours, tz(zone), date(saturday));
            assert_eq!(end.to_rfc3339(), jump, "{zone}");
        }
        // Closing at 02:30, inside the gap, is the same moment.
        let hours = OpeningHours::parse(&[spec("sat", "22:00", "02:30")]).unwrap();
        let slots = slot_grid(&hours, tz("Europe/Paris"), date("2026-03-28"), 30, 60);
        assert_eq!(local_times(&slots).last().unwrap(), "01:00");
    }

    #[test]
    fn a_repeated_hour_is_offered_once() {
        // Europe/Paris repeats 02:00–03:00 on 2026-10-25.
        let hours = OpeningHours::parse(&[spec("sun", "00:00", "06:00")]).unwrap();
        let slots = slot_grid(&hours, tz("Europe/Paris"), date("2026-10-25"), 60, 60);
        assert_eq!(local_times(&slots), ["00:00", "01:00", "02:00", "03:00", "04:00", "05:00"]);
        // The 02:00 slot is the first 02:00 (summer time, UTC+2).
        assert_eq!(slots[2].start.to_rfc3339(), "2026-10-25T00:00:00+00:00");
        // Instants strictly increase: no two slots share a start.
        assert!(slots.windows(2).all(|w| w[0].start < w[1].start));
    }

    #[test]
    fn a_service_day_runs_to_the_end_of_its_late_period() {
        let hours =
            OpeningHours::parse(&[spec("fri", "18:00", "02:00"), spec("sat", "18:00", "23:00")])
                .unwrap();
        let (start, end) = service_day(&hours, tz("UTC"), date("2026-12-04"));
        assert_eq!(start.to_rfc3339(), "2026-12-04T00:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-05T02:00:00+00:00");
        let (start, end) = service_day(&hours, tz("UTC"), date("2026-12-05"));
        assert_eq!(start.to_rfc3339(), "2026-12-05T02:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-06T00:00:00+00:00");
    }

    #[test]
    fn a_reservation_must_end_by_closing_time() {
        let hours = OpeningHours::parse(&[spec("fri", "18:00", "21:30")]).unwrap();
        let slots = slot_grid(&hours, tz("UTC"), date("2026-12-04"), 60, 90);
        assert_eq!(local_times(&slots), ["18:00", "19:00", "20:00"]);
    }
}
