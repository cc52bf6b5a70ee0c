//! Presence: whether people are online (on any node) or when they were last seen, shown only as
//! each person's setting allows.

use shared::AppError;
use shared::api::Caller;
use shared::error::Invalid;
use shared::ids::UserId;
use shared::model::{Me, PRESENCE_MAX, Presence, PresenceVisibility, Relation};

use super::Api;
use crate::repo::{contacts, users};

impl Api {
    /// See `shared::api::contacts::get_presence`.
    pub(crate) async fn presence(
        &self,
        caller: &Caller,
        mut ids: Vec<UserId>,
    ) -> Result<Vec<Presence>, AppError> {
        let me = caller.auth()?.user_id;
        if ids.len() > PRESENCE_MAX {
            return Err(AppError::invalid("user_ids", Invalid::OutOfRange));
        }
        ids.sort_unstable();
        ids.dedup();
        let db = &self.state.db;
        let raw: Vec<i64> = ids.iter().map(|u| u.0).collect();
        let rows = users::presence_of(db, &raw).await?;
        let friends_of_me = contacts::who_befriended(db, me, &raw).await?;
        let mut visible: Vec<(UserId, Option<i64>)> = Vec::with_capacity(rows.len());
        for (id, setting, last_seen) in rows {
            let user = UserId(id);
            let allowed = user == me
                || match PresenceVisibility::parse(&setting) {
                    PresenceVisibility::Nobody => false,
                    PresenceVisibility::Friends => friends_of_me.contains(&id),
                    PresenceVisibility::Everyone => {
                        friends_of_me.contains(&id) || self.may_see_profile(me, user).await?
                    }
                };
            if allowed {
                visible.push((user, last_seen));
            }
        }
        let who: Vec<UserId> = visible.iter().map(|(u, _)| *u).collect();
        let online = self.state.hub.online(&who).await;
        Ok(visible
            .into_iter()
            .zip(online)
            .map(|((user_id, last_seen), online)| Presence {
                user_id,
                online,
                last_seen,
            })
            .collect())
    }

    /// Whether `me` may see `user`'s profile: related (request, block, friendship) or in a
    /// conversation with them.
    async fn may_see_profile(&self, me: UserId, user: UserId) -> Result<bool, AppError> {
        let db = &self.state.db;
        let related = contacts::cards(db, me, &[user.0])
            .await?
            .first()
            .is_some_and(|c| c.relation != Relation::Stranger);
        Ok(related || contacts::share_a_conversation(db, me, user).await?)
    }

    /// See `shared::api::accounts::set_presence_visibility`.
    pub(crate) async fn set_presence(
        &self,
        caller: &Caller,
        visibility: PresenceVisibility,
    ) -> Result<Me, AppError> {
        let me = caller.auth()?.user_id;
        users::set_presence(&self.state.db, me, visibility.as_str()).await?;
        super::accounts::load_me(&self.state, me).await
    }
}
