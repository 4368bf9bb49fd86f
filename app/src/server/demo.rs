//! Demo data for a first look: two restaurants with tables, created only when
//! the database has no restaurant at all (an existing one is never touched).

use crate::domain::{DurationRule, PeriodSpec};
use crate::model::{NewRestaurant, NewTable};

use super::{Service, ServiceError};

/// Creates the demo restaurants if there are none; answers how many it made.
pub async fn seed_if_empty(service: &Service) -> Result<usize, ServiceError> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM restaurants")
        .fetch_one(service.db().reader())
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let every_day = |open: &str, close: &str| -> Vec<PeriodSpec> {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .into_iter()
            .map(|day| PeriodSpec { day: day.into(), open: open.into(), close: close.into() })
            .collect()
    };
    let demos = [
        (
            NewRestaurant {
                name: Some("Trattoria Sole".into()),
                phone: Some("+33 1 42 68 53 00".into()),
                address: Some("12 rue des Martyrs".into()),
                city: Some("Paris".into()),
                timezone: Some("Europe/Paris".into()),
                opening_hours: Some(every_day("12:00", "23:00")),
                durations: Some(vec![
                    DurationRule { max_party_size: 2, minutes: 75 },
                    DurationRule { max_party_size: 4, minutes: 90 },
                ]),
                duration_minutes: Some(120),
                slot_minutes: Some(30),
                ..Default::default()
            },
            vec![
                (2, "T1", Some("window"), false),
                (2, "T2", Some("window"), false),
                (4, "T3", Some("window"), false),
                (4, "T4", None, false),
                (6, "T5", None, false),
                (8, "Terrace", None, false),
                (2, "Bar", None, true),
            ],
        ),
        (
            NewRestaurant {
                name: Some("The Harbour Kitchen".into()),
                phone: Some("+44 20 7946 0958".into()),
                address: Some("4 Wharf Road".into()),
                city: Some("London".into()),
                timezone: Some("Europe/London".into()),
                opening_hours: Some(every_day("17:00", "22:00")),
                ..Default::default()
            },
            vec![
                (2, "A1", Some("back"), false),
                (2, "A2", Some("back"), false),
                (4, "B1", None, false),
                (6, "C1", None, false),
            ],
        ),
    ];
    let mut made = 0;
    for (restaurant, tables) in demos {
        let created = service.create_restaurant(restaurant).await?;
        let tables = tables
            .into_iter()
            .map(|(capacity, label, join_group, walk_in_only)| NewTable {
                capacity: Some(capacity),
                label: Some(label.into()),
                join_group: join_group.map(String::from),
                walk_in_only: Some(walk_in_only),
                ..Default::default()
            })
            .collect();
        service.add_tables(&created.restaurant.id, Some(&created.owner_key), tables).await?;
        tracing::info!(restaurant = %created.restaurant.name, "demo restaurant created");
        made += 1;
    }
    Ok(made)
}
