//! Contacts: search, friend requests, friends, remarks, blocks.

use async_trait::async_trait;
use shared::api::Caller;
use shared::api::contacts::{BLOCKED_LIMIT, ContactsApi, SEARCH_LIMIT};
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::{ConversationId, FriendRequestId, UserId};
use shared::model::{Friend, FriendRequest, Message, Relation, UserCard};
use shared::{AppError, rights, validate};

use super::Api;
use crate::auth::limits::Action;
use crate::cache::Invalidation;
use crate::repo::contacts::{self as repo, RequestRow};
use crate::repo::users;
use crate::time::now_ms;

impl Api {
    /// The caller, acting on another user who exists: `cannot_add_self` for themselves,
    /// `not_found` for no such user.
    async fn check_other_user(&self, caller: &Caller, user_id: UserId) -> Result<UserId, AppError> {
        let me = caller.auth()?.user_id;
        if me == user_id {
            return Err(AppError::CannotAddSelf);
        }
        if users::profile(&self.state.db, user_id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        Ok(me)
    }

    /// The API view of stored requests, with both sides as cards seen by `me`.
    async fn requests_view(
        &self,
        me: UserId,
        rows: Vec<RequestRow>,
    ) -> Result<Vec<FriendRequest>, AppError> {
        let mut ids: Vec<i64> = rows.iter().flat_map(|r| [r.from_id, r.to_id]).collect();
        ids.sort_unstable();
        ids.dedup();
        let cards = repo::cards(&self.state.db, me, &ids).await?;
        let card = |id: i64| cards.iter().find(|c| c.id.0 == id).cloned();
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(FriendRequest {
                    id: FriendRequestId(r.id),
                    status: r.status(),
                    from: card(r.from_id)?,
                    to: card(r.to_id)?,
                    note: r.note,
                    created_at: r.created_at,
                })
            })
            .collect())
    }

    async fn one_request(
        &self,
        me: UserId,
        id: FriendRequestId,
    ) -> Result<FriendRequest, AppError> {
        let row = repo::request(&self.state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.requests_view(me, vec![row])
            .await?
            .pop()
            .ok_or(AppError::NotFound)
    }

    /// Tells both sides of a request about it, each with their own view of it.
    async fn notify_request(
        &self,
        id: FriendRequestId,
        a: UserId,
        b: UserId,
    ) -> Result<(), AppError> {
        for party in [a, b] {
            let request = self.one_request(party, id).await?;
            self.state
                .hub
                .send_to(&[party], &ServerEvent::FriendRequest { request });
        }
        Ok(())
    }

    /// After the commit of an acceptance: the "friends now" notice to both friends' devices.
    fn announce_friendship(
        &self,
        accepted: Option<(ConversationId, Option<Message>)>,
        users: &[UserId],
    ) {
        if let Some((conversation, Some(message))) = accepted {
            self.state
                .hub
                .invalidate(Invalidation::Conversation(conversation));
            self.state
                .hub
                .send_to(users, &ServerEvent::Message { message });
        }
    }

    /// Tells `users` their friend lists changed, after dropping the cached access to their
    /// direct conversations (who may write there depends on the friendship).
    pub(crate) fn notify_contacts(&self, users: &[UserId]) {
        self.state
            .hub
            .invalidate(Invalidation::Friendships(users.to_vec()));
        self.state.hub.send_to(users, &ServerEvent::ContactsChanged);
    }

    async fn one_friend(&self, me: UserId, user: UserId) -> Result<Friend, AppError> {
        repo::friends(&self.state.db, me)
            .await?
            .into_iter()
            .find(|f| f.user_id == user)
            .ok_or(AppError::NotFound)
    }

    /// Validates a friend request; `Ok(Some(id))` when the target already asked the caller,
    /// which turns this request into accepting theirs.
    async fn check_friend_request(
        &self,
        me: UserId,
        target: UserId,
    ) -> Result<Option<FriendRequestId>, AppError> {
        if me == target {
            return Err(AppError::CannotAddSelf);
        }
        let db = &self.state.db;
        if users::profile(db, target).await?.is_none() {
            return Err(AppError::NotFound);
        }
        // A bot is chatted with (`open_bot_chat`), not befriended.
        if crate::db_conn!(db, |conn| crate::repo::bots::is_bot(conn, target).await)? {
            return Err(AppError::invalid(
                "user_id",
                shared::error::Invalid::WrongKind,
            ));
        }
        if repo::blocked_either(db, me, target).await? {
            return Err(AppError::Blocked);
        }
        if repo::are_friends(db, me, target).await? {
            return Err(AppError::AlreadyFriends);
        }
        if repo::pending(db, me, target).await?.is_some() {
            return Err(AppError::RequestPending);
        }
        Ok(repo::pending(db, target, me)
            .await?
            .map(|r| FriendRequestId(r.id)))
    }
}

#[async_trait]
impl ContactsApi for Api {
    async fn get_presence(
        &self,
        caller: &Caller,
        user_ids: Vec<UserId>,
    ) -> Result<Vec<shared::model::Presence>, AppError> {
        self.presence(caller, user_ids).await
    }

    async fn search_users(
        &self,
        caller: &Caller,
        query: String,
    ) -> Result<Vec<UserCard>, AppError> {
        let me = caller.auth()?.user_id;
        self.state.limits.check_user(me, Action::Search)?;
        let query = validate::text("query", &query, 64, true)?;
        let pattern = users::like_pattern(&query);
        let limit = i64::try_from(SEARCH_LIMIT).unwrap_or(20);
        let ids = repo::search(&self.state.db, &pattern, limit).await?;
        Ok(repo::cards(&self.state.db, me, &ids).await?)
    }

    async fn send_friend_request(
        &self,
        caller: &Caller,
        user_id: UserId,
        note: String,
    ) -> Result<FriendRequest, AppError> {
        let me = caller.require(rights::ADD_FRIEND)?.user_id;
        self.state.limits.check_user(me, Action::FriendRequest)?;
        let note = validate::text("note", &note, validate::NOTE_MAX, false)?;
        let now = now_ms();
        if let Some(theirs) = self.check_friend_request(me, user_id).await? {
            let accepted = repo::befriend(&self.state.db, theirs, user_id, me, now, true).await?;
            self.notify_request(theirs, me, user_id).await?;
            self.notify_contacts(&[me, user_id]);
            self.announce_friendship(accepted, &[me, user_id]);
            return self.one_request(me, theirs).await;
        }
        let id = repo::create_request(&self.state.db, me, user_id, &note, now)
            .await
            .map_err(|e| e.unique_as(AppError::RequestPending))?;
        tracing::info!(from = %me, to = %user_id, "friend request sent");
        self.notify_request(id, me, user_id).await?;
        self.one_request(me, id).await
    }

    async fn list_friend_requests(&self, caller: &Caller) -> Result<Vec<FriendRequest>, AppError> {
        let me = caller.auth()?.user_id;
        let rows = repo::list_requests(&self.state.db, me).await?;
        self.requests_view(me, rows).await
    }

    async fn respond_friend_request(
        &self,
        caller: &Caller,
        request_id: FriendRequestId,
        accept: bool,
    ) -> Result<FriendRequest, AppError> {
        let me = caller.auth()?.user_id;
        let db = &self.state.db;
        let row = repo::request(db, request_id)
            .await?
            .filter(|r| r.to_id == me.0 && r.status == "pending")
            .ok_or(AppError::NotFound)?;
        let from = UserId(row.from_id);
        let now = now_ms();
        let done = if accept {
            if repo::blocked_either(db, me, from).await? {
                return Err(AppError::Blocked);
            }
            let accepted = repo::befriend(db, request_id, from, me, now, true).await?;
            let done = accepted.is_some();
            if done {
                self.notify_request(request_id, me, from).await?;
                self.notify_contacts(&[me, from]);
                self.announce_friendship(accepted, &[me, from]);
            }
            done
        } else {
            let done = repo::decline(db, request_id, now).await?;
            if done {
                self.notify_request(request_id, me, from).await?;
            }
            done
        };
        if !done {
            return Err(AppError::NotFound);
        }
        self.one_request(me, request_id).await
    }

    async fn list_friends(&self, caller: &Caller) -> Result<Vec<Friend>, AppError> {
        let me = caller.auth()?.user_id;
        let mut friends = repo::friends(&self.state.db, me).await?;
        friends.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
        Ok(friends)
    }

    async fn remove_friend(&self, caller: &Caller, user_id: UserId) -> Result<(), AppError> {
        let me = caller.auth()?.user_id;
        if !repo::remove_friendship(&self.state.db, me, user_id).await? {
            return Err(AppError::NotFound);
        }
        self.notify_contacts(&[me, user_id]);
        Ok(())
    }

    async fn set_remark(
        &self,
        caller: &Caller,
        user_id: UserId,
        remark: String,
    ) -> Result<Friend, AppError> {
        let me = caller.auth()?.user_id;
        let remark = validate::text("remark", &remark, validate::REMARK_MAX, false)?;
        if remark.contains('\n') {
            return Err(AppError::invalid("remark", Invalid::BadCharacters));
        }
        if !repo::set_remark(&self.state.db, me, user_id, &remark).await? {
            return Err(AppError::NotFound);
        }
        self.notify_contacts(&[me]);
        self.one_friend(me, user_id).await
    }

    async fn get_user(&self, caller: &Caller, user_id: UserId) -> Result<UserCard, AppError> {
        let me = caller.auth()?.user_id;
        let db = &self.state.db;
        let card = repo::cards(db, me, &[user_id.0])
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound)?;
        if card.relation == Relation::Stranger
            && !repo::share_a_conversation(db, me, user_id).await?
        {
            return Err(AppError::NotFound);
        }
        Ok(card)
    }

    async fn block_user(&self, caller: &Caller, user_id: UserId) -> Result<(), AppError> {
        let me = self.check_other_user(caller, user_id).await?;
        repo::block(&self.state.db, me, user_id, now_ms()).await?;
        self.notify_contacts(&[me, user_id]);
        Ok(())
    }

    async fn list_blocked(&self, caller: &Caller) -> Result<Vec<UserCard>, AppError> {
        let me = caller.auth()?.user_id;
        let db = &self.state.db;
        let limit = i64::try_from(BLOCKED_LIMIT).unwrap_or(i64::MAX);
        let ids = repo::blocked_by(db, me, limit).await?;
        let mut cards = repo::cards(db, me, &ids).await?;
        // In the order of `ids`: most recently blocked first.
        cards.sort_by_key(|c| ids.iter().position(|id| *id == c.id.0));
        Ok(cards)
    }

    async fn unblock_user(&self, caller: &Caller, user_id: UserId) -> Result<(), AppError> {
        let me = self.check_other_user(caller, user_id).await?;
        repo::unblock(&self.state.db, me, user_id).await?;
        Ok(())
    }
}
