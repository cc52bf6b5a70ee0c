//! Group chats: creation, membership, join requests and moderation. Every change writes a
//! system notice into the group's conversation and tells the members (after the commit).

use std::collections::HashSet;

use async_trait::async_trait;
use shared::api::Caller;
use shared::api::groups::GroupsApi;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::{ConversationId, GroupId, GroupRequestId, UserId};
use shared::model::{
    GroupCard, GroupInfo, GroupRequest, GroupRole, MessageBody, RequestStatus, SystemNotice,
};
use shared::{AppError, rights, validate};

use super::Api;
use crate::auth::limits::Action;
use crate::cache::Invalidation;
use crate::repo::groups::{self as repo, GroupRow, RequestRow};
use crate::repo::{contacts, messages, users};
use crate::time::now_ms;

/// Most members a group may be created or invited with at once.
const MAX_INVITE: usize = 500;
/// Longest mute, in minutes (30 days).
const MAX_MUTE_MINUTES: u32 = 43_200;

/// Refuses an invitation list longer than [`MAX_INVITE`] (`too_long`), counting distinct ids
/// other than the inviter's own; a list longer than twice that is refused without being read.
fn check_invite_list(me: UserId, ids: &[UserId]) -> Result<(), AppError> {
    let too_long = || AppError::invalid("member_ids", Invalid::TooLong);
    if ids.len() > 2 * MAX_INVITE {
        return Err(too_long());
    }
    if dedup_invitees(me, ids).len() > MAX_INVITE {
        return Err(too_long());
    }
    Ok(())
}

/// `ids` without duplicates and without `me`, in their first order.
fn dedup_invitees(me: UserId, ids: &[UserId]) -> Vec<UserId> {
    let mut seen = HashSet::with_capacity(ids.len());
    ids.iter()
        .copied()
        .filter(|id| *id != me && seen.insert(*id))
        .collect()
}

fn conversation(group: &GroupRow) -> ConversationId {
    ConversationId(group.conversation_id)
}

impl Api {
    /// The group and the caller's role in it; `not_found` for no group, `forbidden` for a
    /// non-member.
    async fn access_group(
        &self,
        me: UserId,
        id: GroupId,
    ) -> Result<(GroupRow, GroupRole), AppError> {
        let group = repo::get(&self.state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let role = repo::role(&self.state.db, conversation(&group), me)
            .await?
            .ok_or(AppError::Forbidden)?;
        Ok((group, role))
    }

    /// Like [`Self::access_group`], for changes: the group must be live and the caller an owner
    /// or admin (`owner_only`: the owner).
    async fn check_manage(
        &self,
        me: UserId,
        id: GroupId,
        owner_only: bool,
    ) -> Result<(GroupRow, GroupRole), AppError> {
        let (group, role) = self.access_group(me, id).await?;
        let allowed = if owner_only {
            role == GroupRole::Owner
        } else {
            role.manages()
        };
        if !allowed || group.dissolved_at.is_some() {
            return Err(AppError::Forbidden);
        }
        Ok((group, role))
    }

    /// May `actor_role` act on a member with `target_role` (remove, mute)?
    fn outranks(actor_role: GroupRole, target_role: GroupRole) -> bool {
        match actor_role {
            GroupRole::Owner => target_role != GroupRole::Owner,
            GroupRole::Admin => target_role == GroupRole::Member,
            GroupRole::Member => false,
        }
    }

    async fn target_role(&self, group: &GroupRow, user: UserId) -> Result<GroupRole, AppError> {
        repo::role(&self.state.db, conversation(group), user)
            .await?
            .ok_or(AppError::NotFound)
    }

    async fn group_info(&self, id: GroupId) -> Result<GroupInfo, AppError> {
        let g = repo::get(&self.state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let members = repo::members(&self.state.db, conversation(&g)).await?;
        Ok(GroupInfo {
            id: GroupId(g.id),
            conversation_id: ConversationId(g.conversation_id),
            name: g.name,
            introduction: g.introduction,
            notice: g.notice,
            owner_id: UserId(g.owner_id),
            muted_all: g.muted_all,
            dissolved: g.dissolved_at.is_some(),
            members,
            created_at: g.created_at,
        })
    }

    /// Writes a notice into the group's conversation and tells every member (and `also`, e.g.
    /// someone who just left) that the group changed. Every change to a group's members, roles
    /// or mutes ends here after its commit, which is where the cached access is dropped.
    async fn do_notice(
        &self,
        group: &GroupRow,
        notice: SystemNotice,
        also: &[UserId],
    ) -> Result<(), AppError> {
        let conversation = conversation(group);
        self.state
            .hub
            .invalidate(Invalidation::Conversation(conversation));
        let message = messages::insert_system(
            &self.state.db,
            conversation,
            &MessageBody::System { notice },
            now_ms(),
        )
        .await?;
        let mut members = messages::members(&self.state.db, conversation).await?;
        self.state
            .hub
            .send_to(&members, &ServerEvent::Message { message });
        members.extend_from_slice(also);
        self.state.hub.send_to(
            &members,
            &ServerEvent::GroupChanged {
                group_id: GroupId(group.id),
            },
        );
        Ok(())
    }

    /// Writes a notice (see [`Self::do_notice`]) and returns the group as it now is.
    async fn announce(
        &self,
        group: &GroupRow,
        notice: SystemNotice,
    ) -> Result<GroupInfo, AppError> {
        self.do_notice(group, notice, &[]).await?;
        self.group_info(GroupId(group.id)).await
    }

    /// Friends of `me` among `ids` (deduplicated, without `me`); `not_found` if any is not.
    ///
    /// The list's length is checked before anything else is done with it: a request carrying
    /// hundreds of thousands of ids is refused without looking at them.
    async fn check_friends(&self, me: UserId, ids: &[UserId]) -> Result<Vec<UserId>, AppError> {
        check_invite_list(me, ids)?;
        let friends: HashSet<UserId> = contacts::friends(&self.state.db, me)
            .await?
            .into_iter()
            .map(|f| f.user_id)
            .collect();
        let out = dedup_invitees(me, ids);
        if out.iter().any(|id| !friends.contains(id)) {
            return Err(AppError::NotFound);
        }
        Ok(out)
    }

    async fn request_views(&self, rows: Vec<RequestRow>) -> Result<Vec<GroupRequest>, AppError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.2).collect();
        let names = users::nicknames(&self.state.db, &ids).await?;
        let mut groups: Vec<GroupRow> = Vec::new();
        let mut out = Vec::with_capacity(rows.len());
        for (id, group_id, user_id, note, status, created_at) in rows {
            if !groups.iter().any(|g| g.id == group_id)
                && let Some(g) = repo::get(&self.state.db, GroupId(group_id)).await?
            {
                groups.push(g);
            }
            out.push(GroupRequest {
                id: GroupRequestId(id),
                group_id: GroupId(group_id),
                group_name: groups
                    .iter()
                    .find(|g| g.id == group_id)
                    .map(|g| g.name.clone())
                    .unwrap_or_default(),
                user_id: UserId(user_id),
                nickname: names
                    .iter()
                    .find(|(u, _)| *u == user_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                note,
                status: match status.as_str() {
                    "accepted" => RequestStatus::Accepted,
                    "declined" => RequestStatus::Declined,
                    _ => RequestStatus::Pending,
                },
                created_at,
            });
        }
        Ok(out)
    }

    async fn one_group_request(&self, id: GroupRequestId) -> Result<GroupRequest, AppError> {
        let row = repo::request(&self.state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.request_views(vec![row])
            .await?
            .pop()
            .ok_or(AppError::NotFound)
    }
}

fn group_name(raw: &str) -> Result<String, AppError> {
    let name = validate::text("name", raw, 32, true)?;
    if name.contains('\n') {
        return Err(AppError::invalid("name", Invalid::BadCharacters));
    }
    Ok(name)
}

#[async_trait]
impl GroupsApi for Api {
    async fn create_group(
        &self,
        caller: &Caller,
        name: String,
        introduction: Option<String>,
        member_ids: Vec<UserId>,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.require(rights::CREATE_GROUP)?.user_id;
        self.state.limits.check_user(me, Action::CreateGroup)?;
        let name = group_name(&name)?;
        let introduction = validate::text(
            "introduction",
            introduction.as_deref().unwrap_or(""),
            200,
            false,
        )?;
        let members = self.check_friends(me, &member_ids).await?;
        let (id, _) = repo::create(&self.state.db, me, &name, &members, now_ms()).await?;
        if !introduction.is_empty() {
            repo::update_info(&self.state.db, id, &name, &introduction, "").await?;
        }
        let group = repo::get(&self.state.db, id)
            .await?
            .ok_or(AppError::Internal)?;
        self.do_notice(&group, SystemNotice::GroupCreated { by: me, name }, &[])
            .await?;
        tracing::info!(group = %id, owner = %me, "group created");
        self.group_info(id).await
    }

    async fn get_group(&self, caller: &Caller, group_id: GroupId) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        self.access_group(me, group_id).await?;
        self.group_info(group_id).await
    }

    async fn search_groups(
        &self,
        caller: &Caller,
        query: String,
    ) -> Result<Vec<GroupCard>, AppError> {
        let me = caller.auth()?.user_id;
        self.state.limits.check_user(me, Action::Search)?;
        let query = validate::text("query", &query, 64, true)?;
        let found = repo::search(&self.state.db, &users::like_pattern(&query), 20).await?;
        let conversations: Vec<i64> = found.iter().map(|(g, _)| g.conversation_id).collect();
        let mine = repo::member_of(&self.state.db, me, &conversations).await?;
        Ok(found
            .into_iter()
            .map(|(g, count)| GroupCard {
                id: GroupId(g.id),
                is_member: mine.contains(&g.conversation_id),
                name: g.name,
                introduction: g.introduction,
                member_count: u64::try_from(count).unwrap_or(0),
            })
            .collect())
    }

    async fn invite_to_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_ids: Vec<UserId>,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let (group, _) = self.check_manage(me, group_id, false).await?;
        let invited = self.check_friends(me, &user_ids).await?;
        let already = repo::member_of_users(&self.state.db, conversation(&group), &invited).await?;
        let new: Vec<UserId> = invited
            .into_iter()
            .filter(|u| !already.contains(&u.0))
            .collect();
        if !new.is_empty() {
            repo::add_members(&self.state.db, conversation(&group), &new, now_ms()).await?;
            self.do_notice(
                &group,
                SystemNotice::MembersJoined { users: new, by: me },
                &[],
            )
            .await?;
        }
        self.group_info(group_id).await
    }

    async fn request_join_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
        note: String,
    ) -> Result<GroupRequest, AppError> {
        let me = caller.auth()?.user_id;
        self.state.limits.check_user(me, Action::JoinRequest)?;
        let note = validate::text("note", &note, validate::NOTE_MAX, false)?;
        let group = repo::get(&self.state.db, group_id)
            .await?
            .filter(|g| g.dissolved_at.is_none())
            .ok_or(AppError::NotFound)?;
        if repo::role(&self.state.db, conversation(&group), me)
            .await?
            .is_some()
        {
            return Err(AppError::AlreadyMember);
        }
        if repo::has_pending(&self.state.db, group_id, me).await? {
            return Err(AppError::RequestPending);
        }
        let id = repo::create_request(&self.state.db, group_id, me, &note, now_ms())
            .await
            .map_err(|e| e.unique_as(AppError::RequestPending))?;
        let managers: Vec<UserId> = repo::members(&self.state.db, conversation(&group))
            .await?
            .into_iter()
            .filter(|m| m.role.manages())
            .map(|m| m.user_id)
            .collect();
        self.state
            .hub
            .send_to(&managers, &ServerEvent::GroupChanged { group_id });
        self.one_group_request(id).await
    }

    async fn list_group_requests(
        &self,
        caller: &Caller,
        group_id: GroupId,
    ) -> Result<Vec<GroupRequest>, AppError> {
        let me = caller.auth()?.user_id;
        let (_, role) = self.access_group(me, group_id).await?;
        if !role.manages() {
            return Err(AppError::Forbidden);
        }
        let mut list = self
            .request_views(repo::requests_of(&self.state.db, group_id).await?)
            .await?;
        list.sort_by_key(|r| r.status != RequestStatus::Pending);
        Ok(list)
    }

    async fn list_pending_group_requests(
        &self,
        caller: &Caller,
    ) -> Result<Vec<GroupRequest>, AppError> {
        let me = caller.auth()?.user_id;
        self.request_views(repo::pending_for_manager(&self.state.db, me).await?)
            .await
    }

    async fn respond_group_request(
        &self,
        caller: &Caller,
        request_id: GroupRequestId,
        accept: bool,
    ) -> Result<GroupRequest, AppError> {
        let me = caller.auth()?.user_id;
        let (_, group_id, user_id, _, status, _) = repo::request(&self.state.db, request_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (group, _) = self.check_manage(me, GroupId(group_id), false).await?;
        if status != "pending" {
            return Err(AppError::NotFound);
        }
        let user = UserId(user_id);
        let done = repo::answer_request(
            &self.state.db,
            request_id,
            accept,
            me,
            conversation(&group),
            user,
            now_ms(),
        )
        .await?;
        if !done {
            return Err(AppError::NotFound);
        }
        if accept {
            self.do_notice(
                &group,
                SystemNotice::MembersJoined {
                    users: vec![user],
                    by: me,
                },
                &[],
            )
            .await?;
        } else {
            self.state.hub.send_to(
                &[user],
                &ServerEvent::GroupChanged {
                    group_id: GroupId(group_id),
                },
            );
        }
        self.one_group_request(request_id).await
    }

    async fn remove_group_member(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let (group, role) = self.check_manage(me, group_id, false).await?;
        let target = self.target_role(&group, user_id).await?;
        if !Self::outranks(role, target) {
            return Err(AppError::Forbidden);
        }
        repo::remove_member(&self.state.db, conversation(&group), user_id).await?;
        self.do_notice(
            &group,
            SystemNotice::MemberRemoved {
                user: user_id,
                by: me,
            },
            &[user_id],
        )
        .await?;
        self.group_info(group_id).await
    }

    async fn mute_group_member(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
        minutes: u32,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        if minutes > MAX_MUTE_MINUTES {
            return Err(AppError::invalid("minutes", Invalid::OutOfRange));
        }
        let (group, role) = self.check_manage(me, group_id, false).await?;
        let target = self.target_role(&group, user_id).await?;
        if !Self::outranks(role, target) {
            return Err(AppError::Forbidden);
        }
        let until = (minutes > 0).then(|| now_ms() + i64::from(minutes) * 60_000);
        repo::set_muted_until(&self.state.db, conversation(&group), user_id, until).await?;
        self.announce(
            &group,
            SystemNotice::MemberMuted {
                user: user_id,
                until,
                by: me,
            },
        )
        .await
    }

    async fn set_group_muted(
        &self,
        caller: &Caller,
        group_id: GroupId,
        muted: bool,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let (group, _) = self.check_manage(me, group_id, false).await?;
        repo::set_muted_all(&self.state.db, group_id, muted).await?;
        self.announce(&group, SystemNotice::GroupMuted { muted, by: me })
            .await
    }

    async fn update_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
        name: String,
        introduction: String,
        notice: String,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let name = group_name(&name)?;
        let introduction = validate::text("introduction", &introduction, 200, false)?;
        let notice = validate::text("notice", &notice, 500, false)?;
        let (group, _) = self.check_manage(me, group_id, false).await?;
        repo::update_info(&self.state.db, group_id, &name, &introduction, &notice).await?;
        self.announce(
            &group,
            SystemNotice::InfoChanged {
                name,
                notice,
                by: me,
            },
        )
        .await
    }

    async fn set_group_admin(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
        admin: bool,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let (group, _) = self.check_manage(me, group_id, true).await?;
        if self.target_role(&group, user_id).await? == GroupRole::Owner {
            return Err(AppError::Forbidden);
        }
        let role = if admin {
            GroupRole::Admin
        } else {
            GroupRole::Member
        };
        repo::set_role(&self.state.db, conversation(&group), user_id, role).await?;
        self.announce(
            &group,
            SystemNotice::AdminChanged {
                user: user_id,
                admin,
                by: me,
            },
        )
        .await
    }

    async fn transfer_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let (group, _) = self.check_manage(me, group_id, true).await?;
        if user_id == me {
            return Err(AppError::invalid("user_id", Invalid::OutOfRange));
        }
        self.target_role(&group, user_id).await?;
        repo::transfer(&self.state.db, &group, user_id).await?;
        self.announce(
            &group,
            SystemNotice::OwnerChanged {
                user: user_id,
                by: me,
            },
        )
        .await
    }

    async fn dissolve_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let (group, _) = self.check_manage(me, group_id, true).await?;
        repo::dissolve(&self.state.db, group_id, now_ms()).await?;
        self.do_notice(&group, SystemNotice::Dissolved { by: me }, &[])
            .await?;
        tracing::info!(group = %group_id, "group dissolved");
        self.group_info(group_id).await
    }

    async fn leave_group(&self, caller: &Caller, group_id: GroupId) -> Result<(), AppError> {
        let me = caller.auth()?.user_id;
        let (group, role) = self.access_group(me, group_id).await?;
        if role == GroupRole::Owner && group.dissolved_at.is_none() {
            return Err(AppError::Forbidden);
        }
        repo::remove_member(&self.state.db, conversation(&group), me).await?;
        if group.dissolved_at.is_none() {
            self.do_notice(&group, SystemNotice::MemberLeft { user: me }, &[me])
                .await?;
        } else {
            self.state
                .hub
                .invalidate(Invalidation::Conversation(conversation(&group)));
        }
        Ok(())
    }
}
