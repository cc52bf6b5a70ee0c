//! Group chats: creation, membership, join requests and moderation. Every change is one unit
//! of work: its checks, the change and the system notice announcing it commit together (or not
//! at all), and the members are told after the commit.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use shared::api::Caller;
use shared::api::groups::GroupsApi;
use shared::error::Invalid;
use shared::event::ServerEvent;
use shared::ids::{ConversationId, GroupId, GroupRequestId, UserId};
use shared::model::{
    GroupCard, GroupInfo, GroupRequest, GroupRole, GroupStatus, MessageBody, RequestStatus,
    SystemNotice,
};
use shared::{AppError, rights, validate};

use super::Api;
use crate::auth::limits::Action;
use crate::cache::Invalidation;
use crate::db::{Conn, DbError, Failure};
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

pub(crate) fn conversation(group: &GroupRow) -> ConversationId {
    ConversationId(group.conversation_id)
}

/// A notice written in a unit of work: the stored message and who receives it (the members
/// as the change left them), published once the unit commits.
pub(crate) struct Notice {
    message: shared::model::Message,
    members: Vec<UserId>,
}

/// The group and the caller's role in it; `not_found` for no group, `forbidden` for a
/// non-member.
async fn load_access(
    tx: &mut Conn<'_>,
    me: UserId,
    id: GroupId,
) -> Result<(GroupRow, GroupRole), AppError> {
    let group = repo::get(tx, id).await?.ok_or(AppError::NotFound)?;
    let role = repo::role(tx, conversation(&group), me)
        .await?
        .ok_or(AppError::Forbidden)?;
    Ok((group, role))
}

/// Like [`load_access`], for changes: the group must be live (`group_disabled` while an
/// administrator disabled it) and the caller an owner or admin (`owner_only`: the owner). Run inside the change's unit of work, so what it checked still
/// holds when the change commits.
pub(crate) async fn check_manage(
    tx: &mut Conn<'_>,
    me: UserId,
    id: GroupId,
    owner_only: bool,
) -> Result<(GroupRow, GroupRole), AppError> {
    let (group, role) = load_access(tx, me, id).await?;
    let allowed = if owner_only {
        role == GroupRole::Owner
    } else {
        role.manages()
    };
    if !allowed || group.dissolved_at.is_some() {
        return Err(AppError::Forbidden);
    }
    if group.hold() == GroupStatus::Disabled {
        return Err(AppError::GroupDisabled);
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

/// The role of `user` in `group`; `not_found` for a non-member.
async fn target_role(
    tx: &mut Conn<'_>,
    group: &GroupRow,
    user: UserId,
) -> Result<GroupRole, AppError> {
    repo::role(tx, conversation(group), user)
        .await?
        .ok_or(AppError::NotFound)
}

/// Writes `notice` into the group's conversation, in the unit of work of the change it
/// announces.
pub(crate) async fn write_notice(
    tx: &mut Conn<'_>,
    group: &GroupRow,
    notice: SystemNotice,
) -> Result<Notice, DbError> {
    let conversation = conversation(group);
    let message =
        messages::insert_system(tx, conversation, &MessageBody::System { notice }, now_ms())
            .await?;
    let members = messages::members(tx, conversation).await?;
    Ok(Notice { message, members })
}

impl Api {
    /// The group and the caller's role in it, for reads (see [`load_access`]).
    async fn access_group(
        &self,
        me: UserId,
        id: GroupId,
    ) -> Result<(GroupRow, GroupRole), AppError> {
        crate::db_conn!(&self.state.db, |conn| load_access(conn, me, id).await)
    }

    pub(crate) async fn group_info(&self, id: GroupId) -> Result<GroupInfo, AppError> {
        let (g, members, listed) = crate::db_conn!(&self.state.db, |conn| {
            let g = repo::get(conn, id).await?.ok_or(AppError::NotFound)?;
            let members = repo::members(conn, conversation(&g)).await?;
            let listed = repo::is_listed(conn, id).await?;
            Ok::<_, AppError>((g, members, listed))
        })?;
        Ok(GroupInfo {
            status: g.hold(),
            id: GroupId(g.id),
            conversation_id: ConversationId(g.conversation_id),
            name: g.name,
            avatar_url: shared::model::avatar_url(g.avatar),
            introduction: g.introduction,
            notice: g.notice,
            owner_id: UserId(g.owner_id),
            muted_all: g.muted_all,
            dissolved: g.dissolved_at.is_some(),
            members,
            listed,
            created_at: g.created_at,
        })
    }

    /// After the commit of a change to `group`: drops the cached access of its conversation
    /// on every node, delivers the notice to the members and tells them (and `also`, e.g.
    /// someone who just left) that the group changed.
    pub(crate) fn publish(&self, group: &GroupRow, notice: Notice, also: &[UserId]) {
        let hub = &self.state.hub;
        hub.invalidate(Invalidation::Conversation(conversation(group)));
        let Notice {
            message,
            mut members,
        } = notice;
        hub.send_to(&members, &ServerEvent::Message { message });
        members.extend_from_slice(also);
        hub.send_to(
            &members,
            &ServerEvent::GroupChanged {
                group_id: GroupId(group.id),
            },
        );
    }

    /// Publishes a committed change (see [`Self::publish`]) and returns the group as it now is.
    pub(crate) async fn announce(
        &self,
        group: &GroupRow,
        notice: Notice,
    ) -> Result<GroupInfo, AppError> {
        self.publish(group, notice, &[]);
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
        let names: HashMap<i64, String> = users::nicknames(&self.state.db, &ids)
            .await?
            .into_iter()
            .collect();
        let mut groups: HashMap<i64, String> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for (id, group_id, user_id, note, status, created_at) in rows {
            if !groups.contains_key(&group_id)
                && let Some(g) =
                    crate::db_conn!(&self.state.db, |conn| repo::get(conn, GroupId(group_id))
                        .await)?
            {
                groups.insert(group_id, g.name);
            }
            out.push(GroupRequest {
                id: GroupRequestId(id),
                group_id: GroupId(group_id),
                group_name: groups.get(&group_id).cloned().unwrap_or_default(),
                user_id: UserId(user_id),
                nickname: names.get(&user_id).cloned().unwrap_or_default(),
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
        let row = crate::db_conn!(&self.state.db, |conn| repo::request(conn, id).await)?
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
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let now = now_ms();
            let (id, _) = repo::create(tx, me, &name, &members, now).await?;
            if !introduction.is_empty() {
                repo::update_info(tx, id, &name, &introduction, "").await?;
            }
            let group = repo::get(tx, id).await?.ok_or(AppError::Internal)?;
            let created = SystemNotice::GroupCreated {
                by: me,
                name: name.clone(),
            };
            let notice = write_notice(tx, &group, created).await?;
            Ok::<_, Failure>((group, notice))
        })?;
        tracing::info!(group = %group.id, owner = %me, "group created");
        self.announce(&group, notice).await
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
        let (found, mine) = crate::db_conn!(&self.state.db, |conn| {
            let found = repo::search(conn, &users::like_pattern(&query), 20).await?;
            let conversations: Vec<i64> = found.iter().map(|(g, _)| g.conversation_id).collect();
            let mine = repo::member_of(conn, me, &conversations).await?;
            Ok::<_, AppError>((found, mine))
        })?;
        Ok(found
            .into_iter()
            .map(|(g, count)| GroupCard {
                id: GroupId(g.id),
                is_member: mine.contains(&g.conversation_id),
                name: g.name,
                avatar_url: shared::model::avatar_url(g.avatar),
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
        // Authorized before the list is looked at (and again inside the change).
        crate::db_conn!(&self.state.db, |conn| check_manage(
            conn, me, group_id, false
        )
        .await)?;
        let invited = self.check_friends(me, &user_ids).await?;
        let done = crate::db_transaction!(&self.state.db, |tx| {
            let (group, _) = check_manage(tx, me, group_id, false).await?;
            let conv = conversation(&group);
            let already = repo::member_of_users(tx, conv, &invited).await?;
            let new: Vec<UserId> = invited
                .iter()
                .copied()
                .filter(|u| !already.contains(&u.0))
                .collect();
            if new.is_empty() {
                return Ok(None);
            }
            repo::add_members(tx, conv, &new, now_ms()).await?;
            let joined = SystemNotice::MembersJoined { users: new, by: me };
            let notice = write_notice(tx, &group, joined).await?;
            Ok::<_, Failure>(Some((group, notice)))
        })?;
        match done {
            Some((group, notice)) => self.announce(&group, notice).await,
            None => self.group_info(group_id).await,
        }
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
        let (id, managers) = crate::db_transaction!(&self.state.db, |tx| {
            let group = repo::get(tx, group_id)
                .await?
                .filter(|g| g.dissolved_at.is_none())
                .ok_or(AppError::NotFound)?;
            if group.hold() == GroupStatus::Disabled {
                return Err(AppError::GroupDisabled.into());
            }
            if repo::role(tx, conversation(&group), me).await?.is_some() {
                return Err(AppError::AlreadyMember.into());
            }
            if repo::has_pending(tx, group_id, me).await? {
                return Err(AppError::RequestPending.into());
            }
            let id = repo::create_request(tx, group_id, me, &note, now_ms())
                .await
                .map_err(|e| e.unique_as(AppError::RequestPending))?;
            let managers: Vec<UserId> = repo::members(tx, conversation(&group))
                .await?
                .into_iter()
                .filter(|m| m.role.manages())
                .map(|m| m.user_id)
                .collect();
            Ok::<_, Failure>((id, managers))
        })?;
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
        let rows = crate::db_conn!(&self.state.db, |conn| repo::requests_of(conn, group_id)
            .await)?;
        let mut list = self.request_views(rows).await?;
        list.sort_by_key(|r| r.status != RequestStatus::Pending);
        Ok(list)
    }

    async fn list_pending_group_requests(
        &self,
        caller: &Caller,
    ) -> Result<Vec<GroupRequest>, AppError> {
        let me = caller.auth()?.user_id;
        let rows = crate::db_conn!(&self.state.db, |conn| repo::pending_for_manager(conn, me)
            .await)?;
        self.request_views(rows).await
    }

    async fn respond_group_request(
        &self,
        caller: &Caller,
        request_id: GroupRequestId,
        accept: bool,
    ) -> Result<GroupRequest, AppError> {
        let me = caller.auth()?.user_id;
        let (group, user, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let (_, group_id, user_id, _, status, _) = repo::request(tx, request_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let (group, _) = check_manage(tx, me, GroupId(group_id), false).await?;
            if status != "pending" {
                return Err(AppError::NotFound.into());
            }
            let user = UserId(user_id);
            let now = now_ms();
            if !repo::answer_request(tx, request_id, accept, me, conversation(&group), user, now)
                .await?
            {
                return Err(AppError::NotFound.into());
            }
            let notice = if accept {
                let joined = SystemNotice::MembersJoined {
                    users: vec![user],
                    by: me,
                };
                Some(write_notice(tx, &group, joined).await?)
            } else {
                None
            };
            Ok::<_, Failure>((group, user, notice))
        })?;
        match notice {
            Some(notice) => self.publish(&group, notice, &[]),
            None => self.state.hub.send_to(
                &[user],
                &ServerEvent::GroupChanged {
                    group_id: GroupId(group.id),
                },
            ),
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
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let (group, role) = check_manage(tx, me, group_id, false).await?;
            let target = target_role(tx, &group, user_id).await?;
            if !outranks(role, target) {
                return Err(AppError::Forbidden.into());
            }
            repo::remove_member(tx, conversation(&group), user_id).await?;
            let removed = SystemNotice::MemberRemoved {
                user: user_id,
                by: me,
            };
            let notice = write_notice(tx, &group, removed).await?;
            Ok::<_, Failure>((group, notice))
        })?;
        self.publish(&group, notice, &[user_id]);
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
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let (group, role) = check_manage(tx, me, group_id, false).await?;
            let target = target_role(tx, &group, user_id).await?;
            if !outranks(role, target) {
                return Err(AppError::Forbidden.into());
            }
            let until = (minutes > 0).then(|| now_ms() + i64::from(minutes) * 60_000);
            repo::set_muted_until(tx, conversation(&group), user_id, until).await?;
            let muted = SystemNotice::MemberMuted {
                user: user_id,
                until,
                by: me,
            };
            let notice = write_notice(tx, &group, muted).await?;
            Ok::<_, Failure>((group, notice))
        })?;
        self.announce(&group, notice).await
    }

    async fn list_group_directory(
        &self,
        caller: &Caller,
        offset: Option<u32>,
    ) -> Result<Vec<GroupCard>, AppError> {
        let me = caller.auth()?.user_id;
        let offset = offset.unwrap_or(0);
        if offset > 10_000 {
            return Err(AppError::invalid(
                "offset",
                shared::error::Invalid::OutOfRange,
            ));
        }
        self.state.limits.check_user(me, Action::Search)?;
        let page = i64::from(shared::api::groups::DIRECTORY_PAGE);
        let (found, mine) = crate::db_conn!(&self.state.db, |conn| {
            let found = repo::directory(conn, i64::from(offset), page).await?;
            let conversations: Vec<i64> = found.iter().map(|(g, _)| g.conversation_id).collect();
            let mine = repo::member_of(conn, me, &conversations).await?;
            Ok::<_, AppError>((found, mine))
        })?;
        Ok(found
            .into_iter()
            .map(|(g, count)| GroupCard {
                id: GroupId(g.id),
                is_member: mine.contains(&g.conversation_id),
                name: g.name,
                avatar_url: shared::model::avatar_url(g.avatar),
                introduction: g.introduction,
                member_count: u64::try_from(count).unwrap_or(0),
            })
            .collect())
    }

    async fn set_group_listed(
        &self,
        caller: &Caller,
        group_id: GroupId,
        listed: bool,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let group = crate::db_transaction!(&self.state.db, |tx| {
            let (group, _) = check_manage(tx, me, group_id, true).await?;
            repo::set_listed(tx, group_id, listed).await?;
            Ok::<_, Failure>(group)
        })?;
        let members = self.access_conversation(me, conversation(&group)).await?;
        self.state.hub.send_to(
            members.member_ids(),
            &ServerEvent::GroupChanged { group_id },
        );
        self.group_info(group_id).await
    }

    async fn set_group_nickname(
        &self,
        caller: &Caller,
        group_id: GroupId,
        nickname: String,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let nickname = validate::text("nickname", &nickname, 32, false)?;
        if nickname.contains('\n') {
            return Err(AppError::invalid("nickname", Invalid::BadCharacters));
        }
        let group = crate::db_transaction!(&self.state.db, |tx| {
            let (group, _) = load_access(tx, me, group_id).await?;
            if group.dissolved_at.is_some() {
                return Err(AppError::Forbidden.into());
            }
            if group.hold() == GroupStatus::Disabled {
                return Err(AppError::GroupDisabled.into());
            }
            repo::set_group_nickname(tx, conversation(&group), me, &nickname).await?;
            Ok::<_, Failure>(group)
        })?;
        let members = self.access_conversation(me, conversation(&group)).await?;
        self.state.hub.send_to(
            members.member_ids(),
            &ServerEvent::GroupChanged { group_id },
        );
        self.group_info(group_id).await
    }

    async fn set_group_muted(
        &self,
        caller: &Caller,
        group_id: GroupId,
        muted: bool,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let (group, _) = check_manage(tx, me, group_id, false).await?;
            repo::set_muted_all(tx, group_id, muted).await?;
            let notice =
                write_notice(tx, &group, SystemNotice::GroupMuted { muted, by: me }).await?;
            Ok::<_, Failure>((group, notice))
        })?;
        self.announce(&group, notice).await
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
        let text = validate::text("notice", &notice, 500, false)?;
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let (group, _) = check_manage(tx, me, group_id, false).await?;
            repo::update_info(tx, group_id, &name, &introduction, &text).await?;
            let changed = SystemNotice::InfoChanged {
                name: name.clone(),
                notice: text.clone(),
                by: me,
            };
            let notice = write_notice(tx, &group, changed).await?;
            Ok::<_, Failure>((group, notice))
        })?;
        self.announce(&group, notice).await
    }

    async fn set_group_admin(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
        admin: bool,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let role = if admin {
            GroupRole::Admin
        } else {
            GroupRole::Member
        };
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let (group, _) = check_manage(tx, me, group_id, true).await?;
            if target_role(tx, &group, user_id).await? == GroupRole::Owner {
                return Err(AppError::Forbidden.into());
            }
            repo::set_role(tx, conversation(&group), user_id, role).await?;
            let changed = SystemNotice::AdminChanged {
                user: user_id,
                admin,
                by: me,
            };
            let notice = write_notice(tx, &group, changed).await?;
            Ok::<_, Failure>((group, notice))
        })?;
        self.announce(&group, notice).await
    }

    async fn transfer_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
        user_id: UserId,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        if user_id == me {
            return Err(AppError::invalid("user_id", Invalid::OutOfRange));
        }
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let (group, _) = check_manage(tx, me, group_id, true).await?;
            target_role(tx, &group, user_id).await?;
            // Re-checked by the statements themselves: a concurrent transfer that won leaves
            // this one nothing to change, and it is refused without a trace.
            if !repo::transfer(tx, group_id, conversation(&group), me, user_id).await? {
                return Err(AppError::Forbidden.into());
            }
            let changed = SystemNotice::OwnerChanged {
                user: user_id,
                by: me,
            };
            let notice = write_notice(tx, &group, changed).await?;
            Ok::<_, Failure>((group, notice))
        })?;
        self.announce(&group, notice).await
    }

    async fn dissolve_group(
        &self,
        caller: &Caller,
        group_id: GroupId,
    ) -> Result<GroupInfo, AppError> {
        let me = caller.auth()?.user_id;
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let (group, _) = check_manage(tx, me, group_id, true).await?;
            repo::dissolve(tx, group_id, now_ms()).await?;
            let notice = write_notice(tx, &group, SystemNotice::Dissolved { by: me }).await?;
            Ok::<_, Failure>((group, notice))
        })?;
        tracing::info!(group = %group_id, "group dissolved");
        self.announce(&group, notice).await
    }

    async fn leave_group(&self, caller: &Caller, group_id: GroupId) -> Result<(), AppError> {
        let me = caller.auth()?.user_id;
        let (group, notice) = crate::db_transaction!(&self.state.db, |tx| {
            let (group, role) = load_access(tx, me, group_id).await?;
            let live = group.dissolved_at.is_none();
            if role == GroupRole::Owner && live {
                return Err(AppError::Forbidden.into());
            }
            repo::remove_member(tx, conversation(&group), me).await?;
            let notice = if live {
                Some(write_notice(tx, &group, SystemNotice::MemberLeft { user: me }).await?)
            } else {
                None
            };
            Ok::<_, Failure>((group, notice))
        })?;
        match notice {
            Some(notice) => self.publish(&group, notice, &[me]),
            None => self
                .state
                .hub
                .invalidate(Invalidation::Conversation(conversation(&group))),
        }
        Ok(())
    }
}
