//! The console's dashboard figures and announcements to every user.

use serde_json::json;
use shared::api::Caller;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::UserId;
use shared::model::{
    ANNOUNCEMENT_MAX, Announced, DashboardStats, STATS_HOURS_MAX, SeriesPoint, SystemNotice,
};
use shared::{AppError, rights, validate};

use super::Api;
use super::moderation::{Audited, record};
use crate::db::Failure;
use crate::repo::stats::{self, Buckets};
use crate::repo::system_chat;
use crate::time::now_ms;

/// An hour, in milliseconds.
const HOUR_MS: i64 = 3_600_000;
/// A day, in milliseconds.
const DAY_MS: i64 = 24 * HOUR_MS;
/// Hours the dashboard covers unless asked otherwise.
const DEFAULT_HOURS: u32 = 48;
/// Most users counted as online.
const ONLINE_COUNT_MAX: usize = 1_000_000;
/// Users an announcement is written to per unit of work.
const ANNOUNCE_CHUNK: usize = 500;

/// Every bucket of `width` ms from the one holding `since` to the one holding `now`, with
/// the counts of `found` (zero where none).
fn series(found: &Buckets, since: i64, now: i64, width: i64) -> Vec<SeriesPoint> {
    (since / width..=now / width)
        .map(|bucket| SeriesPoint {
            at: bucket * width,
            count: found
                .iter()
                .find(|(b, _)| *b == bucket)
                .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0)),
        })
        .collect()
}

impl Api {
    /// `admin_stats`.
    pub(crate) async fn do_admin_stats(
        &self,
        caller: &Caller,
        hours: Option<u32>,
    ) -> Result<DashboardStats, AppError> {
        caller.require(rights::ADMIN)?;
        let hours = hours.unwrap_or(DEFAULT_HOURS);
        if !(1..=STATS_HOURS_MAX).contains(&hours) {
            return Err(AppError::invalid("hours", Invalid::OutOfRange));
        }
        let db = &self.state.db;
        let now = now_ms();
        let since = now - i64::from(hours) * HOUR_MS;
        // Days start at UTC midnight: the first day is the one `since` falls in.
        let day_since = since - since.rem_euclid(DAY_MS);
        let totals = stats::totals(db).await?;
        let (per_hour, senders) = stats::message_series(db, day_since, HOUR_MS, DAY_MS).await?;
        let sign_ups = stats::sign_ups(db, day_since, DAY_MS).await?;
        let online = self.state.hub.online_users(ONLINE_COUNT_MAX).await;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(DashboardStats {
            users: count(totals.users),
            groups: count(totals.groups),
            messages: count(totals.messages),
            media_bytes: count(totals.media_bytes),
            database_bytes: totals.database_bytes.map(count),
            online_users: u64::try_from(online.len()).unwrap_or(0),
            connections: u64::try_from(self.state.hub.connection_count()).unwrap_or(0),
            hours,
            messages_per_hour: series(&per_hour, since, now, HOUR_MS),
            new_users_per_day: series(&sign_ups, day_since, now, DAY_MS),
            active_users_per_day: series(&senders, day_since, now, DAY_MS),
            generated_at: now,
        })
    }

    /// `admin_announce`: the notice is written to every person's system chat (not to bots), a
    /// few hundred people per unit of work (the first also holds the audit entry), each unit's
    /// messages delivered after its commit.
    pub(crate) async fn do_admin_announce(
        &self,
        caller: &Caller,
        text: String,
    ) -> Result<Announced, AppError> {
        let me = caller.require(rights::ADMIN)?.user_id;
        let text = validate::text("text", &text, ANNOUNCEMENT_MAX, true)?;
        let everyone: Vec<UserId> = crate::repo::users::people_ids(&self.state.db).await?;
        let mut first = true;
        for chunk in everyone.chunks(ANNOUNCE_CHUNK) {
            let told = crate::db_transaction!(&self.state.db, |tx| {
                let now = now_ms();
                let mut told = Vec::with_capacity(chunk.len());
                for user in chunk {
                    let notice = SystemNotice::Announcement { text: text.clone() };
                    told.push((*user, system_chat::tell(tx, *user, notice, now).await?));
                }
                if first {
                    let detail = json!({"text": text, "recipients": everyone.len()});
                    let entry = Audited {
                        action: "announce",
                        target_kind: "settings",
                        target_id: None,
                        target_name: "",
                        detail,
                    };
                    record(tx, caller, entry).await?;
                }
                Ok::<_, Failure>(told)
            })?;
            first = false;
            for (user, message) in told {
                self.state
                    .hub
                    .send_to(&[user], &ServerEvent::Message { message });
            }
        }
        tracing::info!(by = %me, recipients = everyone.len(), "announcement sent");
        Ok(Announced {
            recipients: u64::try_from(everyone.len()).unwrap_or(0),
        })
    }
}
