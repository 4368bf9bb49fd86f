use super::seating::{online_seat_cap, peak_held_seats};
use super::*;

const NOW: &str = "2026-12-04T08:00:00Z";

fn at(hhmm: &str) -> DateTime<Utc> {
    format!("2026-12-04T{hhmm}:00Z").parse().unwrap()
}

fn date() -> NaiveDate {
    "2026-12-04".parse().unwrap()
}

fn table(id: &str, seats: i64) -> TableInfo {
    TableInfo {
        id: id.into(),
        label: id.into(),
        seats: Seats::new(seats).unwrap(),
        min_party: 1,
        join_group: None,
        walk_in_only: false,
    }
}

fn joinable(id: &str, seats: i64, group: &str) -> TableInfo {
    TableInfo { join_group: Some(group.into()), ..table(id, seats) }
}

fn hold(table: &str, from: &str, until: &str) -> Hold {
    Hold { table_id: table.into(), start: at(from), until: at(until) }
}

fn party(n: i64) -> PartySize {
    PartySize::new(n).unwrap()
}

fn policy(rules: Rules) -> Policy {
    Policy { tz: TimeZone::parse("UTC").unwrap(), hours: OpeningHours::default(), rules }
}

fn slot(start: &str, minutes: i64) -> Slot {
    Slot {
        start: at(start),
        end: at(start) + Duration::minutes(minutes),
        local: at(start).naive_utc(),
    }
}

/// The labels of the tables a party of `n` gets at 19:00.
fn pick(
    policy: &Policy,
    tables: &[TableInfo],
    holds: &[Hold],
    n: i64,
) -> Result<Vec<String>, Unavailable> {
    let s = slot("19:00", 60);
    seat(policy, Floor { tables, holds }, date(), &s, Ask::online(party(n)), NOW.parse().unwrap())
        .map(|ts| ts.iter().map(|t| t.label.clone()).collect())
}

#[test]
fn overlap_is_half_open() {
    let holds = [hold("T1", "19:00", "20:00")];
    assert!(table_is_free(&holds, "T1", at("18:00"), at("19:00")));
    assert!(table_is_free(&holds, "T1", at("20:00"), at("21:00")));
    for (from, until) in [
        ("19:00", "20:00"),
        ("19:15", "19:45"),
        ("18:00", "21:00"),
        ("18:30", "19:30"),
        ("19:59", "21:00"),
    ] {
        assert!(!table_is_free(&holds, "T1", at(from), at(until)), "{from}–{until}");
    }
    assert!(table_is_free(&holds, "T2", at("19:00"), at("20:00")));
}

#[test]
fn an_in_progress_reservation_blocks_a_later_start() {
    let p = policy(Rules::default());
    let tables = [table("T1", 4)];
    let holds = [hold("T1", "18:30", "19:30")];
    assert_eq!(pick(&p, &tables, &holds, 2), Err(Unavailable::AllHeld));
}

#[test]
fn the_smallest_single_table_that_fits_is_given() {
    let p = policy(Rules::default());
    let tables = [table("T8", 8), table("T2", 2), table("T4", 4), table("T4b", 4)];
    assert_eq!(pick(&p, &tables, &[], 2).unwrap(), ["T2"]);
    assert_eq!(pick(&p, &tables, &[], 3).unwrap(), ["T4"]);
    assert_eq!(pick(&p, &tables, &[hold("T4", "19:00", "20:00")], 3).unwrap(), ["T4b"]);
    assert_eq!(pick(&p, &tables, &[hold("T2", "18:30", "19:30")], 2).unwrap(), ["T4"]);
    assert_eq!(pick(&p, &tables, &[], 9), Err(Unavailable::PartyTooLarge { limit: 8 }));
    assert_eq!(pick(&p, &tables, &[hold("T8", "19:00", "20:00")], 5), Err(Unavailable::AllHeld));
}

#[test]
fn a_minimum_party_keeps_small_parties_off_big_tables() {
    let p = policy(Rules::default());
    let mut big = table("T8", 8);
    big.min_party = 5;
    let tables = [big, table("T4", 4)];
    assert_eq!(pick(&p, &tables, &[], 2).unwrap(), ["T4"]);
    assert_eq!(pick(&p, &tables, &[hold("T4", "19:00", "20:00")], 2), Err(Unavailable::AllHeld));
    assert_eq!(pick(&p, &tables, &[], 6).unwrap(), ["T8"]);
}

#[test]
fn a_party_of_six_sits_at_a_two_and_a_four_pushed_together() {
    let p = policy(Rules::default());
    let tables = [joinable("T2", 2, "window"), joinable("T4", 4, "window"), table("T3", 3)];
    assert_eq!(pick(&p, &tables, &[], 6).unwrap(), ["T2", "T4"]);
    assert_eq!(p.party_limit(&tables), 6);
    assert_eq!(pick(&p, &tables, &[], 7), Err(Unavailable::PartyTooLarge { limit: 6 }));
    // A single table is preferred to joining when one fits.
    let with_six = [tables[0].clone(), tables[1].clone(), table("T6", 6)];
    assert_eq!(pick(&p, &with_six, &[], 6).unwrap(), ["T6"]);
    // …and joining is the fallback when it is taken.
    assert_eq!(pick(&p, &with_six, &[hold("T6", "19:00", "20:00")], 6).unwrap(), ["T2", "T4"]);
}

#[test]
fn the_smallest_combination_is_chosen_and_groups_do_not_mix() {
    let p = policy(Rules::default());
    let tables = [
        joinable("A2", 2, "a"),
        joinable("A4", 4, "a"),
        joinable("A6", 6, "a"),
        joinable("B4", 4, "b"),
    ];
    // 7: A2+A6 (8 seats) beats A4+A6 (10); B4 cannot join group a.
    assert_eq!(pick(&p, &tables, &[], 7).unwrap(), ["A2", "A6"]);
    // 12 needs all three of group a.
    assert_eq!(pick(&p, &tables, &[], 12).unwrap(), ["A2", "A4", "A6"]);
}

#[test]
fn a_huge_join_group_still_seats_a_party() {
    // Twenty stools in one group: tens of thousands of ways to seat six.
    let p = policy(Rules::default());
    let tables: Vec<TableInfo> = (1..=20).map(|i| joinable(&format!("S{i}"), 1, "bar")).collect();
    let got = pick(&p, &tables, &[], 6).unwrap();
    assert_eq!(got.len(), 6);
}

#[test]
fn joinable_tables_are_kept_for_large_parties() {
    let p = policy(Rules::default());
    let tables = [joinable("J4", 4, "g"), table("S4", 4), joinable("J2", 2, "g")];
    assert_eq!(pick(&p, &tables, &[], 4).unwrap(), ["S4"]);
}

#[test]
fn among_equal_tables_the_tightest_fit_in_time_wins() {
    let p = policy(Rules::default());
    let tables = [table("T1", 2), table("T2", 2)];
    // T2 is booked until 19:00: seating at 19:00 there leaves no gap,
    // and keeps T1 free all evening.
    let holds = [hold("T2", "17:00", "19:00")];
    assert_eq!(pick(&p, &tables, &holds, 2).unwrap(), ["T2"]);
}

#[test]
fn walk_in_tables_are_never_given_online() {
    let p = policy(Rules::default());
    let mut w = table("W2", 2);
    w.walk_in_only = true;
    let tables = [w, table("T6", 6)];
    assert_eq!(pick(&p, &tables, &[], 2).unwrap(), ["T6"]);
    let ids = ["W2".to_string()];
    let ask = Ask { party: party(2), channel: Channel::Online, tables: Some(&ids) };
    let s = slot("19:00", 60);
    let now = NOW.parse().unwrap();
    assert_eq!(
        seat(&p, Floor { tables: &tables, holds: &[] }, date(), &s, ask, now),
        Err(Unavailable::UnknownTable)
    );
    // The restaurant itself may seat people there.
    let ask = Ask { channel: Channel::Restaurant, ..ask };
    assert_eq!(
        seat(&p, Floor { tables: &tables, holds: &[] }, date(), &s, ask, now).unwrap()[0].label,
        "W2"
    );
    // A walk-in table does not count towards the online party limit.
    assert_eq!(p.party_limit(&tables), 6);
}

#[test]
fn the_hold_back_keeps_a_share_of_seats_off_online_booking() {
    // 20 seats, 25% held back: online holds stay at 15 seats or fewer.
    let p = policy(Rules { walk_in_seats_percent: 25, ..Rules::default() });
    let tables = [table("A", 4), table("B", 4), table("C", 4), table("D", 8)];
    let holds = [hold("D", "18:00", "20:00"), hold("A", "19:30", "20:30")];
    // 8 + 4 held at 19:30; another 4 would make 16.
    assert_eq!(pick(&p, &tables, &holds, 2), Err(Unavailable::HoldBack { percent: 25 }));
    // Before the second hold begins there is room.
    let early = slot("18:00", 60);
    let now = NOW.parse().unwrap();
    let got = seat(
        &p,
        Floor { tables: &tables, holds: &holds[..1] },
        date(),
        &early,
        Ask::online(party(2)),
        now,
    );
    assert!(got.is_ok(), "{got:?}");
    // The restaurant is not bound by it.
    let ask = Ask { channel: Channel::Restaurant, ..Ask::online(party(2)) };
    assert!(
        seat(&p, Floor { tables: &tables, holds: &holds }, date(), &slot("19:00", 60), ask, now)
            .is_ok()
    );
}

#[test]
fn requested_tables_must_exist_suit_and_join() {
    let p = policy(Rules::default());
    let tables = [joinable("T2", 2, "g"), joinable("T4", 4, "g"), table("T6", 6), table("T8", 8)];
    let ask = |ids: &[&str], n| {
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        let a = Ask { party: party(n), channel: Channel::Online, tables: Some(&ids) };
        seat(
            &p,
            Floor { tables: &tables, holds: &[] },
            date(),
            &slot("19:00", 60),
            a,
            NOW.parse().unwrap(),
        )
        .map(|ts| ts.iter().map(|t| t.label.clone()).collect::<Vec<_>>())
    };
    assert_eq!(ask(&["T4"], 3).unwrap(), ["T4"]);
    assert_eq!(ask(&["T2"], 3), Err(Unavailable::TooSmall));
    assert_eq!(ask(&["T9"], 2), Err(Unavailable::UnknownTable));
    assert_eq!(ask(&["T2", "T4"], 6).unwrap(), ["T2", "T4"]);
    assert_eq!(ask(&["T2", "T4"], 7), Err(Unavailable::TooSmall));
    assert_eq!(ask(&["T4", "T6"], 8), Err(Unavailable::NotJoinable));
}

#[test]
fn the_rules_close_slots_with_a_reason() {
    let now: DateTime<Utc> = NOW.parse().unwrap();
    let tables = [table("T4", 4)];
    let check = |rules: Rules, d: &str, s: &Slot| {
        let p = policy(rules);
        seat(
            &p,
            Floor { tables: &tables, holds: &[] },
            d.parse().unwrap(),
            s,
            Ask::online(party(2)),
            now,
        )
        .map(|_| ())
    };
    let evening = slot("19:00", 60);
    assert_eq!(check(Rules::default(), "2026-12-04", &evening), Ok(()));
    assert_eq!(check(Rules::default(), "2026-12-04", &slot("07:00", 60)), Err(Unavailable::Past));
    let notice = Rules { min_notice_minutes: 12 * 60, ..Rules::default() };
    assert_eq!(check(notice, "2026-12-04", &evening), Err(Unavailable::Notice { minutes: 720 }));
    let closed = Rules { closed_dates: vec![date()], ..Rules::default() };
    assert_eq!(check(closed, "2026-12-04", &evening), Err(Unavailable::ClosedDate));
    let window = Rules { max_days_ahead: 0, ..Rules::default() };
    let tomorrow = Slot {
        start: evening.start + Duration::days(1),
        end: evening.end + Duration::days(1),
        local: evening.local,
    };
    assert_eq!(
        check(window.clone(), "2026-12-05", &tomorrow),
        Err(Unavailable::BeyondWindow { days: 0 })
    );
    assert_eq!(check(window, "2026-12-04", &evening), Ok(()));
    let small = Rules { max_party_size: Some(1), ..Rules::default() };
    assert_eq!(check(small, "2026-12-04", &evening), Err(Unavailable::PartyTooLarge { limit: 1 }));
}

#[test]
fn durations_follow_party_size() {
    let rules = Rules {
        duration_minutes: 150,
        durations: vec![
            DurationRule { max_party_size: 2, minutes: 75 },
            DurationRule { max_party_size: 4, minutes: 90 },
        ],
        ..Rules::default()
    };
    assert_eq!(rules.duration_minutes_for(Some(party(1))), 75);
    assert_eq!(rules.duration_minutes_for(Some(party(2))), 75);
    assert_eq!(rules.duration_minutes_for(Some(party(3))), 90);
    assert_eq!(rules.duration_minutes_for(Some(party(5))), 150);
    assert_eq!(rules.duration_minutes_for(None), 150);
    // A longer reservation must still end by closing: 12:00–22:00 with
    // 150 minutes leaves 19:00 as the last start.
    let p = policy(rules);
    let last = |n| p.grid(date(), Some(party(n))).last().map(|s| s.local.time().to_string());
    assert_eq!(last(2).as_deref(), Some("20:00:00"));
    assert_eq!(last(6).as_deref(), Some("19:00:00"));
}

#[test]
fn the_buffer_is_held_like_the_reservation() {
    let p = policy(Rules { buffer_minutes: 30, ..Rules::default() });
    let tables = [table("T4", 4)];
    // A hold to 19:00 plus a new one from 19:00: fine. One that runs to
    // 19:30 because of its buffer blocks a 19:00 start.
    assert!(pick(&p, &tables, &[hold("T4", "17:30", "19:00")], 2).is_ok());
    assert_eq!(pick(&p, &tables, &[hold("T4", "18:00", "19:30")], 2), Err(Unavailable::AllHeld));
    // The new reservation's own buffer reaches the next one.
    assert_eq!(pick(&p, &tables, &[hold("T4", "20:15", "21:00")], 2), Err(Unavailable::AllHeld));
}

#[test]
fn alternatives_are_the_nearest_free_times() {
    let p = policy(Rules::default());
    let tables = [table("T4", 4)];
    let holds = [hold("T4", "19:00", "20:00"), hold("T4", "20:00", "21:00")];
    let now = NOW.parse().unwrap();
    let alts = alternatives(
        &p,
        Floor { tables: &tables, holds: &holds },
        date(),
        Ask::online(party(2)),
        at("19:00"),
        now,
        3,
    );
    let times: Vec<String> =
        alts.iter().map(|s| s.local.time().format("%H:%M").to_string()).collect();
    assert_eq!(times, ["17:00", "18:00", "21:00"]);
}

#[test]
fn labels_sort_naturally() {
    let mut labels = vec!["T10", "T2", "Patio 1", "T1"];
    labels.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(labels, ["Patio 1", "T1", "T2", "T10"]);
}

mod properties {
    //! The engine against a brute-force oracle: on small random floors,
    //! every subset of tables is tried, and the engine's answer must be
    //! the best valid one, or a refusal for the right reason.

    use proptest::prelude::*;

    use super::*;

    #[derive(Clone, Debug)]
    struct Case {
        tables: Vec<TableInfo>,
        holds: Vec<Hold>,
        percent: u8,
        buffer: u16,
        party: u8,
        start_quarter: i64,
        minutes: i64,
    }

    fn case() -> impl Strategy<Value = Case> {
        let table = (1i64..=8, 1u8..=3, 0usize..3, prop::bool::weighted(0.15));
        (
            prop::collection::vec(table, 1..=7),
            prop::collection::vec((0usize..7, 0i64..24, 2i64..=12), 0..10),
            prop::sample::select(vec![0u8, 0, 20, 50]),
            prop::sample::select(vec![0u16, 15]),
            1u8..=14,
            4i64..=16,
            prop::sample::select(vec![60i64, 90, 120]),
        )
            .prop_map(
                |(tables, raw_holds, percent, buffer, party, start_quarter, minutes)| {
                    let tables: Vec<TableInfo> = tables
                        .into_iter()
                        .enumerate()
                        .map(|(i, (seats, min, group, walk_in))| TableInfo {
                            id: format!("T{i}"),
                            label: format!("T{i}"),
                            seats: Seats::new(seats).unwrap(),
                            min_party: min.min(seats as u8),
                            join_group: [None, Some("a".to_string()), Some("b".to_string())][group]
                                .clone(),
                            walk_in_only: walk_in,
                        })
                        .collect();
                    // Holds as the database would have them: never overlapping on a table.
                    let mut holds: Vec<Hold> = Vec::new();
                    for (t, quarter, length) in raw_holds {
                        let table = &tables[t % tables.len()];
                        let start = at("16:00") + Duration::minutes(15 * quarter);
                        let until = start + Duration::minutes(15 * length);
                        if table_is_free(&holds, &table.id, start, until) {
                            holds.push(Hold { table_id: table.id.clone(), start, until });
                        }
                    }
                    Case { tables, holds, percent, buffer, party, start_quarter, minutes }
                },
            )
    }

    /// Every valid way to seat the party, free or not: single tables that
    /// suit it, and minimal combinations of one join group.
    fn all_seatings(tables: &[TableInfo], party: u8) -> Vec<Vec<&TableInfo>> {
        let online: Vec<&TableInfo> = tables.iter().filter(|t| !t.walk_in_only).collect();
        let mut out = Vec::new();
        for mask in 1u32..(1 << online.len()) {
            let set: Vec<&TableInfo> =
                (0..online.len()).filter(|i| mask & (1 << i) != 0).map(|i| online[i]).collect();
            let seats: u16 = set.iter().map(|t| t.seats.get() as u16).sum();
            let valid = match set.as_slice() {
                [one] => one.suits(PartySize::new(party as i64).unwrap()),
                many => {
                    let group = &many[0].join_group;
                    let smallest = many.iter().map(|t| t.seats.get() as u16).min().unwrap();
                    many.len() <= MAX_JOINED_TABLES
                        && group.is_some()
                        && many.iter().all(|t| &t.join_group == group)
                        && seats >= party as u16
                        && seats - smallest < party as u16
                }
            };
            if valid {
                out.push(set);
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn the_engine_gives_the_best_valid_seating_or_the_right_reason(c in case()) {
            let p = policy(Rules {
                walk_in_seats_percent: c.percent,
                buffer_minutes: c.buffer,
                ..Rules::default()
            });
            let start = at("17:00") + Duration::minutes(15 * c.start_quarter);
            let s = Slot { start, end: start + Duration::minutes(c.minutes), local: start.naive_utc() };
            let until = s.end + Duration::minutes(c.buffer as i64);
            let floor = Floor { tables: &c.tables, holds: &c.holds };
            let party = PartySize::new(c.party as i64).unwrap();
            let got = seat(&p, floor, date(), &s, Ask::online(party), NOW.parse().unwrap());

            let valid = all_seatings(&c.tables, c.party);
            let free: Vec<&Vec<&TableInfo>> = valid
                .iter()
                .filter(|set| set.iter().all(|t| table_is_free(&c.holds, &t.id, start, until)))
                .collect();
            let cap = online_seat_cap(&c.tables, c.percent);
            let held = peak_held_seats(&c.tables, &c.holds, start, until);
            let seats_of = |set: &[&TableInfo]| set.iter().map(|t| t.seats.get() as u32).sum::<u32>();
            let allowed: Vec<&&Vec<&TableInfo>> = free
                .iter()
                .filter(|set| c.percent == 0 || held + seats_of(set) <= cap)
                .collect();

            if c.party > p.party_limit(&c.tables) {
                prop_assert_eq!(got, Err(Unavailable::PartyTooLarge { limit: p.party_limit(&c.tables) }));
            } else if valid.is_empty() {
                prop_assert_eq!(got, Err(Unavailable::NoTableFits));
            } else if free.is_empty() {
                prop_assert_eq!(got, Err(Unavailable::AllHeld));
            } else if allowed.is_empty() {
                prop_assert_eq!(got, Err(Unavailable::HoldBack { percent: c.percent }));
            } else {
                let chosen = got.expect("a seating exists");
                let mut ids: Vec<&str> = chosen.iter().map(|t| t.id.as_str()).collect();
                ids.sort_unstable();
                // It is one of the allowed seatings…
                let is_allowed = allowed.iter().any(|set| {
                    let mut other: Vec<&str> = set.iter().map(|t| t.id.as_str()).collect();
                    other.sort_unstable();
                    other == ids
                });
                prop_assert!(is_allowed, "{ids:?} is not a free, valid seating");
                // …and none is better: a single table when one is allowed,
                // and no allowed seating of that kind has fewer seats.
                let key = |set: &[&TableInfo]| (set.len() > 1, seats_of(set));
                let best = allowed.iter().map(|set| key(set)).min().unwrap();
                prop_assert_eq!(key(&chosen), best);
            }
        }
    }
}
