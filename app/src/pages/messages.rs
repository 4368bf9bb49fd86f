//! The owner's messages: what was sent to whom on a day, by e-mail or SMS,
//! and whether it went out (and why not).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::owner::{DayChooser, OwnerFrame};
use crate::components::page::loaded_page;
use crate::components::table::PlainTable;
use crate::model::Message;
use crate::server_fns::messages::{OwnerMessages, get_owner_messages};
use crate::server_fns::owner::ClaimRestaurant;

/// `/restaurants/:id/messages?date=YYYY-MM-DD`
#[component]
pub fn MessagesPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let claim = ServerAction::<ClaimRestaurant>::new();
    let data = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                query.read().get("date").unwrap_or_default(),
                claim.version().get(),
            )
        },
        |(id, date, _)| get_owner_messages(id, date),
    );
    loaded_page(data, move |page| view! { <MessagesView page claim /> })
}

#[component]
fn MessagesView(page: OwnerMessages, claim: ServerAction<ClaimRestaurant>) -> impl IntoView {
    let (id, name, is_owner) =
        (page.restaurant.id.clone(), page.restaurant.name.clone(), page.is_owner);
    view! {
        <OwnerFrame title="Messages" restaurant_id=id restaurant_name=name is_owner claim>
            <MessagesBody page />
        </OwnerFrame>
    }
}

#[component]
fn MessagesBody(page: OwnerMessages) -> impl IntoView {
    let base = format!("/restaurants/{}/messages", page.restaurant.id);
    let list = if page.messages.is_empty() {
        view! { <p class="empty">"No messages on this day."</p> }.into_any()
    } else {
        let rows =
            page.messages.into_iter().map(|m| view! { <MessageRow message=m /> }).collect_view();
        view! {
            <PlainTable label="Messages" columns=&["Written", "To", "Message", "By", "Status"]>
                {rows}
            </PlainTable>
        }
        .into_any()
    };
    view! {
        <DayChooser base date=page.date.clone() error=page.date_error.clone() id="messages-date" />
        <p>"What Covers sent to your guests, or will send: confirmations, changes, cancellations and reminders."</p>
        {list}
    }
}

#[component]
fn MessageRow(message: Message) -> impl IntoView {
    let kind = match message.kind.as_str() {
        "confirmation" => "Confirmation",
        "change" => "Change",
        "cancellation" => "Cancellation",
        "reminder" => "Reminder",
        _ => "Message",
    };
    let channel = if message.channel == "sms" { "SMS" } else { "E-mail" };
    let status = match message.status.as_str() {
        "pending" if message.attempts == 0 => {
            format!("Goes out {}", message.due_at.format("%a %-d %b %H:%M"))
        }
        "pending" => format!("Trying again {}", message.due_at.format("%a %-d %b %H:%M")),
        "sent" => match message.sent_at {
            Some(at) => format!("Sent {}", at.format("%H:%M")),
            None => "Sent".to_string(),
        },
        "failed" => "Failed".to_string(),
        "not_sent" => "Not sent".to_string(),
        "dropped" => "Not needed: the reservation changed".to_string(),
        other => other.to_string(),
    };
    let why = message.last_error.clone();
    view! {
        <tr>
            <td>{message.created_at.format("%H:%M").to_string()}</td>
            <td>{message.to.clone()}</td>
            <td>{kind}</td>
            <td>{channel}</td>
            <td>
                {status}
                {why.map(|why| view! { <br /><span class="hint">{why}</span> })}
            </td>
        </tr>
    }
}
