//! The domain's limits, declared in the OpenAPI document: each bounded
//! field of a request names the limit that parsing checks, so the document
//! cannot drift from what the service accepts. A test below checks that
//! every number, text and list a request takes is bounded.

use app::domain::limits::{self, Bounds};
use app::domain::{DinerName, Notes, RestaurantName, TableLabel};
use serde_json::{Value, json};

const RESTAURANT: &[&str] = &["NewRestaurant"];
const TABLE: &[&str] = &["NewTable", "TablesBody_NewTable/tables/items", "TableChanges"];
const BOOKING: &[&str] = &["NewReservation"];
const MOVE: &[&str] = &["ReservationChanges"];
const DURATION: &[&str] = &["DurationRule"];

/// Whole numbers of request bodies: schemas (a name, then the path to an
/// inlined object), property, bounds.
const NUMBERS: &[(&[&str], &str, Bounds)] = &[
    (RESTAURANT, "slot_minutes", limits::SLOT_MINUTES),
    (RESTAURANT, "duration_minutes", limits::STAY_MINUTES),
    (RESTAURANT, "buffer_minutes", limits::BUFFER_MINUTES),
    (RESTAURANT, "walk_in_seats_percent", limits::WALK_IN_PERCENT),
    (RESTAURANT, "min_notice_minutes", limits::NOTICE_MINUTES),
    (RESTAURANT, "max_days_ahead", limits::DAYS_AHEAD),
    (RESTAURANT, "max_party_size", limits::LARGEST_PARTY),
    (RESTAURANT, "requests_per_minute", limits::REQUESTS_PER_MINUTE),
    (RESTAURANT, "reminder_hours_before", limits::REMINDER_HOURS),
    (DURATION, "max_party_size", limits::PARTY),
    (DURATION, "minutes", limits::STAY_MINUTES),
    (TABLE, "capacity", limits::PARTY),
    (TABLE, "min_party_size", limits::PARTY),
    (BOOKING, "party_size", limits::PARTY),
    (MOVE, "party_size", limits::PARTY),
];

/// Numbers with a fraction: schemas, property, (min, max).
const DEGREES: &[(&[&str], &str, (f64, f64))] =
    &[(RESTAURANT, "latitude", limits::LATITUDE), (RESTAURANT, "longitude", limits::LONGITUDE)];

/// Free text: schemas, property, the longest allowed.
const TEXTS: &[(&[&str], &str, usize)] = &[
    (RESTAURANT, "name", RestaurantName::MAX_CHARS),
    (RESTAURANT, "email", limits::EMAIL_BYTES),
    (RESTAURANT, "address", limits::PLACE_CHARS),
    (RESTAURANT, "city", limits::PLACE_CHARS),
    (TABLE, "label", TableLabel::MAX_CHARS),
    (TABLE, "area", limits::GROUP_CHARS),
    (TABLE, "join_group", limits::GROUP_CHARS),
    (BOOKING, "name", DinerName::MAX_CHARS),
    (BOOKING, "email", limits::EMAIL_BYTES),
    (BOOKING, "notes", Notes::MAX_CHARS),
    (&["StatusChange", "CancelBody"], "reason", limits::REASON_CHARS),
    (&["LookupRequest", "LookupVerify"], "contact", limits::EMAIL_BYTES),
    (&["LookupVerify"], "code", limits::ONE_TIME_CODE_CHARS),
];

/// Lists: schemas, property, fewest and most items.
const LISTS: &[(&[&str], &str, usize, usize)] = &[
    (RESTAURANT, "opening_hours", 0, limits::MAX_PERIODS),
    (RESTAURANT, "durations", 0, limits::MAX_DURATIONS),
    (RESTAURANT, "closed_dates", 0, limits::MAX_CLOSED_DATES),
    (MOVE, "table_ids", 1, limits::MAX_JOINED_TABLES),
];

/// Query parameters: name, bounds (numbers) or the longest text.
const NUMBER_PARAMETERS: &[(&str, Bounds)] = &[
    ("party_size", limits::PARTY),
    ("page", Bounds::new(1, limits::MAX_PAGE as i64)),
    ("per_page", limits::PER_PAGE),
];
const TEXT_PARAMETERS: &[(&str, usize)] =
    &[("q", limits::MAX_SEARCH_CHARS), ("city", limits::MAX_SEARCH_CHARS)];

/// Writes the limits into `doc`'s schemas and query parameters.
pub(crate) fn declare(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    let mut set = |names: &[&str], property: &str, values: Value| {
        for name in names {
            let target = &mut object(schemas, name)["properties"][property];
            assert!(target.is_object(), "{name}.{property} is in the document");
            merge(target, &values);
        }
    };
    for (names, property, b) in NUMBERS {
        set(names, property, json!({"minimum": b.min, "maximum": b.max}));
    }
    for (names, property, (min, max)) in DEGREES {
        set(names, property, json!({"minimum": min, "maximum": max}));
    }
    for (names, property, max) in TEXTS {
        set(names, property, json!({"maxLength": max}));
    }
    for (names, property, min, max) in LISTS {
        let mut values = json!({"maxItems": max});
        if *min > 0 {
            values["minItems"] = json!(min);
        }
        set(names, property, values);
    }
    for item in doc["paths"].as_object_mut().into_iter().flat_map(|p| p.values_mut()) {
        for operation in item.as_object_mut().into_iter().flat_map(|i| i.values_mut()) {
            let Some(parameters) = operation.get_mut("parameters").and_then(Value::as_array_mut)
            else {
                continue;
            };
            for parameter in parameters.iter_mut().filter(|p| p["in"] == "query") {
                let name = parameter["name"].as_str().unwrap_or_default().to_string();
                let schema = &mut parameter["schema"];
                if let Some((_, b)) = NUMBER_PARAMETERS.iter().find(|(n, _)| *n == name) {
                    merge(schema, &json!({"minimum": b.min, "maximum": b.max}));
                }
                if let Some((_, max)) = TEXT_PARAMETERS.iter().find(|(n, _)| *n == name) {
                    merge(schema, &json!({"maxLength": max}));
                }
            }
        }
    }
}

/// The object schema at `path`: a schema's name, then properties by name
/// and `items` for a list's items.
fn object<'d>(schemas: &'d mut Value, path: &str) -> &'d mut Value {
    let mut parts = path.split('/');
    let mut at = &mut schemas[parts.next().expect("a name")];
    for part in parts {
        at = if part == "items" { &mut at["items"] } else { &mut at["properties"][part] };
    }
    at
}

fn merge(target: &mut Value, values: &Value) {
    let (Some(target), Some(values)) = (target.as_object_mut(), values.as_object()) else {
        return;
    };
    for (key, value) in values {
        target.insert(key.clone(), value.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::super::openapi::document;
    use serde_json::Value;

    /// Every number, free text and list a request takes has its bounds in
    /// the document: a field added without them fails here.
    #[test]
    fn every_request_field_is_bounded() {
        let mut doc = document();
        let mut unbounded = Vec::new();
        let requests = ["NewRestaurant", "RestaurantChanges", "NewTable", "TableChanges"]
            .into_iter()
            .chain(["NewReservation", "ReservationChanges", "StatusChange", "CancelBody"])
            .chain(["DurationRule", "TablesBody_NewTable/tables/items"]);
        for name in requests {
            let properties = super::object(&mut doc["components"]["schemas"], name)["properties"]
                .as_object()
                .cloned();
            for (property, schema) in &properties.expect("properties") {
                // Ids are looked up, never stored as sent.
                let is_id = property.ends_with("_id");
                if !is_id && !is_bounded(schema) {
                    unbounded.push(format!("{name}.{property}"));
                }
            }
        }
        for item in doc["paths"].as_object().expect("paths").values() {
            for operation in item.as_object().expect("operations").values() {
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    if parameter["in"] == "query" && !is_bounded(&parameter["schema"]) {
                        unbounded.push(format!("query {}", parameter["name"]));
                    }
                }
            }
        }
        assert_eq!(unbounded, Vec::<String>::new());
    }

    /// Bounded: a number with both ends, a text with a length, pattern,
    /// format or set of values, a list with a most; yes/no and references
    /// bound themselves.
    fn is_bounded(schema: &Value) -> bool {
        let has = |key: &str| schema.get(key).is_some();
        let types: Vec<&str> = match &schema["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if types.contains(&"integer") || types.contains(&"number") {
            has("minimum") && has("maximum")
        } else if types.contains(&"string") {
            has("maxLength") || has("pattern") || has("enum") || has("format")
        } else if types.contains(&"array") {
            has("maxItems")
        } else {
            true
        }
    }
}
