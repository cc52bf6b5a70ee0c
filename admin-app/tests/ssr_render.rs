//! Server-side rendering of the console against fake API implementations: the session gate
//! (anonymous → redirect, non-admin → refusal without data, admin → data) and the pages' markup.

#![cfg(feature = "ssr")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use admin_app::App;
use futures_util::StreamExt;
use leptos::prelude::*;
use leptos_router::components::provide_server_redirect;
use leptos_router::location::RequestUrl;
use shared::AppError;
use shared::api::accounts::AccountsApi;
use shared::api::admin::{AdminApi, UserFilter};
use shared::api::admin_content::{AdminContentApi, GroupFilter, MessageFilter};
use shared::api::assistant::AssistantApi;
use shared::api::bots::BotsApi;
use shared::api::contacts::ContactsApi;
use shared::api::groups::GroupsApi;
use shared::api::invites::InvitesApi;
use shared::api::links::LinksApi;
use shared::api::media::MediaApi;
use shared::api::messages::MessagesApi;
use shared::api::reports::ReportsApi;
use shared::api::{Caller, Ports};
use shared::ids::{
    ConversationId, FriendRequestId, GroupId, GroupInviteId, GroupRequestId, MessageId, RightId,
    RoleId, SessionId, UserId,
};
use shared::model::{
    AdminGroup, AdminGroupDetail, AdminMessage, AdminUser, AdminUserDetail, AssistantAnswer,
    AuditEntry, Bot, BotWithToken, ConversationSummary, DashboardStats, Friend, FriendLink,
    FriendRequest, GroupCard, GroupInfo, GroupInvite, GroupMember, GroupRequest, GroupRole,
    GroupStatus, IncomingWebhook, InviteCode, InvitePreview, InviteStatus, InviteUse, Me, Mention,
    Message, MessageBody, MessageReaders, OneTimePassword, Page, Presence, PresenceVisibility,
    ReadReceipts, Report, ReportAction, ReportReason, ReportStatus, ReportTarget, RightInfo,
    RoleInfo, SearchHit, SeriesPoint, SessionInfo, SystemNotice, UserCard,
};

struct FakeAccounts {
    me: Option<Me>,
}

#[async_trait::async_trait]
impl AccountsApi for FakeAccounts {
    async fn sign_up(
        &self,
        _: &Caller,
        _: String,
        _: String,
        _: Option<String>,
        _: Option<String>,
    ) -> Result<Me, AppError> {
        Err(AppError::Internal)
    }
    async fn log_in(&self, _: &Caller, _: String, _: String) -> Result<Me, AppError> {
        Err(AppError::Internal)
    }
    async fn log_out(&self, _: &Caller) -> Result<(), AppError> {
        Ok(())
    }
    async fn site_info(&self) -> Result<shared::model::SiteInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn current_user(&self, _: &Caller) -> Result<Option<Me>, AppError> {
        Ok(self.me.clone())
    }
    async fn update_profile(&self, _: &Caller, _: String, _: String) -> Result<Me, AppError> {
        Err(AppError::Internal)
    }
    async fn set_presence_visibility(
        &self,
        _: &Caller,
        _: PresenceVisibility,
    ) -> Result<Me, AppError> {
        Err(AppError::Internal)
    }
    async fn change_password(&self, _: &Caller, _: String, _: String) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
    async fn list_sessions(&self, _: &Caller) -> Result<Vec<SessionInfo>, AppError> {
        Ok(vec![])
    }
    async fn revoke_session(&self, _: &Caller, _: SessionId) -> Result<(), AppError> {
        Ok(())
    }
    async fn create_personal_token(
        &self,
        _: &Caller,
        _: String,
        _: Vec<shared::model::TokenScope>,
        _: Option<u32>,
    ) -> Result<shared::model::PersonalTokenWithSecret, AppError> {
        Err(AppError::Internal)
    }
    async fn list_personal_tokens(
        &self,
        _: &Caller,
    ) -> Result<Vec<shared::model::PersonalToken>, AppError> {
        Ok(vec![])
    }
    async fn revoke_personal_token(&self, _: &Caller, _: SessionId) -> Result<(), AppError> {
        Ok(())
    }
    async fn list_sign_in_methods(
        &self,
        _: &Caller,
    ) -> Result<shared::model::SignInMethods, AppError> {
        Err(AppError::Internal)
    }
    async fn unlink_sign_in(
        &self,
        _: &Caller,
        _: String,
    ) -> Result<shared::model::SignInMethods, AppError> {
        Err(AppError::Internal)
    }
}

/// The areas the console never calls: any call fails the render visibly.
struct NotUsedByAdmin;

#[async_trait::async_trait]
impl ContactsApi for NotUsedByAdmin {
    async fn search_users(&self, _: &Caller, _: String) -> Result<Vec<UserCard>, AppError> {
        Err(AppError::Internal)
    }
    async fn get_presence(&self, _: &Caller, _: Vec<UserId>) -> Result<Vec<Presence>, AppError> {
        Err(AppError::Internal)
    }
    async fn send_friend_request(
        &self,
        _: &Caller,
        _: UserId,
        _: String,
    ) -> Result<FriendRequest, AppError> {
        Err(AppError::Internal)
    }
    async fn list_friend_requests(&self, _: &Caller) -> Result<Vec<FriendRequest>, AppError> {
        Err(AppError::Internal)
    }
    async fn respond_friend_request(
        &self,
        _: &Caller,
        _: FriendRequestId,
        _: bool,
    ) -> Result<FriendRequest, AppError> {
        Err(AppError::Internal)
    }
    async fn list_friends(&self, _: &Caller) -> Result<Vec<Friend>, AppError> {
        Err(AppError::Internal)
    }
    async fn remove_friend(&self, _: &Caller, _: UserId) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
    async fn set_remark(&self, _: &Caller, _: UserId, _: String) -> Result<Friend, AppError> {
        Err(AppError::Internal)
    }
    async fn get_user(&self, _: &Caller, _: UserId) -> Result<UserCard, AppError> {
        Err(AppError::Internal)
    }
    async fn list_blocked(&self, _: &Caller) -> Result<Vec<UserCard>, AppError> {
        Err(AppError::Internal)
    }
    async fn block_user(&self, _: &Caller, _: UserId) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
    async fn unblock_user(&self, _: &Caller, _: UserId) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
}

#[async_trait::async_trait]
impl GroupsApi for NotUsedByAdmin {
    async fn set_group_nickname(
        &self,
        _: &Caller,
        _: GroupId,
        _: String,
    ) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn list_group_directory(
        &self,
        _: &Caller,
        _: Option<u32>,
    ) -> Result<Vec<GroupCard>, AppError> {
        Err(AppError::Internal)
    }
    async fn set_group_listed(
        &self,
        _: &Caller,
        _: GroupId,
        _: bool,
    ) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn create_group(
        &self,
        _: &Caller,
        _: String,
        _: Option<String>,
        _: Vec<UserId>,
    ) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn get_group(&self, _: &Caller, _: GroupId) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn search_groups(&self, _: &Caller, _: String) -> Result<Vec<GroupCard>, AppError> {
        Err(AppError::Internal)
    }
    async fn invite_to_group(
        &self,
        _: &Caller,
        _: GroupId,
        _: Vec<UserId>,
    ) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn request_join_group(
        &self,
        _: &Caller,
        _: GroupId,
        _: String,
    ) -> Result<GroupRequest, AppError> {
        Err(AppError::Internal)
    }
    async fn list_group_requests(
        &self,
        _: &Caller,
        _: GroupId,
    ) -> Result<Vec<GroupRequest>, AppError> {
        Err(AppError::Internal)
    }
    async fn list_pending_group_requests(&self, _: &Caller) -> Result<Vec<GroupRequest>, AppError> {
        Err(AppError::Internal)
    }
    async fn respond_group_request(
        &self,
        _: &Caller,
        _: GroupRequestId,
        _: bool,
    ) -> Result<GroupRequest, AppError> {
        Err(AppError::Internal)
    }
    async fn remove_group_member(
        &self,
        _: &Caller,
        _: GroupId,
        _: UserId,
    ) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn mute_group_member(
        &self,
        _: &Caller,
        _: GroupId,
        _: UserId,
        _: u32,
    ) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn set_group_muted(
        &self,
        _: &Caller,
        _: GroupId,
        _: bool,
    ) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn update_group(
        &self,
        _: &Caller,
        _: GroupId,
        _: String,
        _: String,
        _: String,
    ) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn set_group_admin(
        &self,
        _: &Caller,
        _: GroupId,
        _: UserId,
        _: bool,
    ) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn transfer_group(
        &self,
        _: &Caller,
        _: GroupId,
        _: UserId,
    ) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn dissolve_group(&self, _: &Caller, _: GroupId) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn leave_group(&self, _: &Caller, _: GroupId) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
}

#[async_trait::async_trait]
impl MessagesApi for NotUsedByAdmin {
    async fn list_conversations(&self, _: &Caller) -> Result<Vec<ConversationSummary>, AppError> {
        Err(AppError::Internal)
    }
    async fn send_message(
        &self,
        _: &Caller,
        _: ConversationId,
        _: String,
        _: MessageBody,
        _: Option<MessageId>,
        _: Vec<Mention>,
    ) -> Result<Message, AppError> {
        Err(AppError::Internal)
    }
    async fn get_read_receipts(
        &self,
        _: &Caller,
        _: ConversationId,
    ) -> Result<ReadReceipts, AppError> {
        Err(AppError::Internal)
    }
    async fn list_message_readers(
        &self,
        _: &Caller,
        _: MessageId,
    ) -> Result<MessageReaders, AppError> {
        Err(AppError::Internal)
    }
    async fn search_messages(
        &self,
        _: &Caller,
        _: String,
        _: Option<ConversationId>,
        _: Option<MessageId>,
        _: Option<u32>,
    ) -> Result<Vec<SearchHit>, AppError> {
        Err(AppError::Internal)
    }
    async fn set_typing(&self, _: &Caller, _: ConversationId) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
    async fn list_messages_around(
        &self,
        _: &Caller,
        _: ConversationId,
        _: i64,
        _: Option<u32>,
    ) -> Result<Vec<Message>, AppError> {
        Err(AppError::Internal)
    }
    async fn recall_message(&self, _: &Caller, _: MessageId) -> Result<Message, AppError> {
        Err(AppError::Internal)
    }
    async fn edit_message(&self, _: &Caller, _: MessageId, _: String) -> Result<Message, AppError> {
        Err(AppError::Internal)
    }
    async fn delete_message_for_me(&self, _: &Caller, _: MessageId) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
    async fn forward_messages(
        &self,
        _: &Caller,
        _: Vec<MessageId>,
        _: Vec<ConversationId>,
        _: bool,
    ) -> Result<Vec<Message>, AppError> {
        Err(AppError::Internal)
    }
    async fn react_message(
        &self,
        _: &Caller,
        _: MessageId,
        _: String,
        _: bool,
    ) -> Result<Message, AppError> {
        Err(AppError::Internal)
    }
    async fn list_messages(
        &self,
        _: &Caller,
        _: ConversationId,
        _: Option<i64>,
        _: Option<u32>,
    ) -> Result<Vec<Message>, AppError> {
        Err(AppError::Internal)
    }
    async fn set_conversation_flags(
        &self,
        _: &Caller,
        _: ConversationId,
        _: bool,
        _: bool,
    ) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
    async fn mark_read(&self, _: &Caller, _: ConversationId, _: i64) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
}

#[async_trait::async_trait]
impl BotsApi for NotUsedByAdmin {
    async fn create_bot(&self, _: &Caller, _: String, _: String) -> Result<BotWithToken, AppError> {
        Err(AppError::Internal)
    }
    async fn list_bots(&self, _: &Caller) -> Result<Vec<Bot>, AppError> {
        Err(AppError::Internal)
    }
    async fn regenerate_bot_token(&self, _: &Caller, _: UserId) -> Result<BotWithToken, AppError> {
        Err(AppError::Internal)
    }
    async fn delete_bot(&self, _: &Caller, _: UserId) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
    async fn open_bot_chat(&self, _: &Caller, _: UserId) -> Result<ConversationId, AppError> {
        Err(AppError::Internal)
    }
    async fn create_incoming_webhook(
        &self,
        _: &Caller,
        _: ConversationId,
        _: String,
    ) -> Result<IncomingWebhook, AppError> {
        Err(AppError::Internal)
    }
    async fn list_incoming_webhooks(
        &self,
        _: &Caller,
        _: ConversationId,
    ) -> Result<Vec<IncomingWebhook>, AppError> {
        Err(AppError::Internal)
    }
    async fn delete_incoming_webhook(&self, _: &Caller, _: i64) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
    async fn set_bot_webhook(
        &self,
        _: &Caller,
        _: UserId,
        _: Option<String>,
    ) -> Result<Option<shared::model::BotWebhook>, AppError> {
        Err(AppError::Internal)
    }
    async fn list_bot_webhook_deliveries(
        &self,
        _: &Caller,
        _: UserId,
        _: Option<i64>,
        _: u32,
    ) -> Result<Vec<shared::model::WebhookDelivery>, AppError> {
        Err(AppError::Internal)
    }
}

#[async_trait::async_trait]
impl LinksApi for NotUsedByAdmin {
    async fn get_friend_link(&self, _: &Caller, _: bool) -> Result<FriendLink, AppError> {
        Err(AppError::Internal)
    }
    async fn open_friend_link(&self, _: &Caller, _: String) -> Result<UserCard, AppError> {
        Err(AppError::Internal)
    }
    async fn create_group_invite(
        &self,
        _: &Caller,
        _: GroupId,
        _: Option<u32>,
        _: Option<u32>,
    ) -> Result<GroupInvite, AppError> {
        Err(AppError::Internal)
    }
    async fn list_group_invites(
        &self,
        _: &Caller,
        _: GroupId,
    ) -> Result<Vec<GroupInvite>, AppError> {
        Err(AppError::Internal)
    }
    async fn revoke_group_invite(&self, _: &Caller, _: GroupInviteId) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
    async fn open_group_invite(&self, _: &Caller, _: String) -> Result<InvitePreview, AppError> {
        Err(AppError::Internal)
    }
    async fn join_group_by_invite(&self, _: &Caller, _: String) -> Result<GroupInfo, AppError> {
        Err(AppError::Internal)
    }
}

/// The invite codes: a usable one for five accounts used twice, a revoked one; creating and
/// revoking are refused.
struct FakeInvites;

fn fake_invites() -> Vec<InviteCode> {
    let code = |id: i64, code: &str, status: InviteStatus| InviteCode {
        id,
        code: code.into(),
        url: format!("http://chat.example/signup?invite={code}"),
        note: if id == 2 {
            "Design team".into()
        } else {
            String::new()
        },
        max_uses: (id == 2).then_some(5),
        uses: if id == 2 { 2 } else { 0 },
        expires_at: None,
        revoked_at: (status == InviteStatus::Revoked).then_some(1_795_395_600_000),
        status,
        created_by: Some(UserId(1)),
        created_by_name: "root".into(),
        created_at: 1_795_392_000_000 + id,
        used_by: if id == 2 {
            vec![InviteUse {
                user_id: UserId(30),
                username: "newhire".into(),
                used_at: 1_795_393_000_000,
            }]
        } else {
            Vec::new()
        },
    };
    vec![
        code(2, "Ab3dEf6hIj9k", InviteStatus::Active),
        code(1, "Zz9yXx8wVv7u", InviteStatus::Revoked),
    ]
}

#[async_trait::async_trait]
impl InvitesApi for FakeInvites {
    async fn create_invite_code(
        &self,
        _: &Caller,
        _: String,
        _: Option<u32>,
        _: Option<u32>,
    ) -> Result<InviteCode, AppError> {
        Err(AppError::Internal)
    }
    async fn list_invite_codes(
        &self,
        _: &Caller,
        status: Option<String>,
        before_id: Option<i64>,
        limit: Option<u32>,
    ) -> Result<Vec<InviteCode>, AppError> {
        Ok(fake_invites()
            .into_iter()
            .filter(|c| status.as_deref().is_none_or(|s| c.status.as_str() == s))
            .filter(|c| before_id.is_none_or(|b| c.id < b))
            .take(limit.unwrap_or(50) as usize)
            .collect())
    }
    async fn revoke_invite_code(&self, _: &Caller, _: i64) -> Result<InviteCode, AppError> {
        Err(AppError::Internal)
    }
}

/// The assistant's table: an English entry with a long answer, a Chinese one without a
/// question; saving and deleting are refused.
struct FakeAssistant;

fn fake_assistant_answers() -> Vec<AssistantAnswer> {
    vec![
        AssistantAnswer {
            id: 1,
            keywords: vec!["invite".into(), "invitation".into()],
            question: "How do I invite a friend?".into(),
            answer:
                "Open Discover, then My QR code, and let your friend scan it. An administrator \
                     can also make an invite code for people without an account."
                    .into(),
            updated_at: 1_795_392_000_000,
        },
        AssistantAnswer {
            id: 2,
            keywords: vec!["邀请码".into(), "注册".into()],
            question: String::new(),
            answer: "请向管理员索取邀请码。".into(),
            updated_at: 1_795_395_600_000,
        },
    ]
}

#[async_trait::async_trait]
impl AssistantApi for FakeAssistant {
    async fn open_assistant_chat(&self, _: &Caller) -> Result<ConversationId, AppError> {
        Err(AppError::Internal)
    }
    async fn list_assistant_answers(&self, _: &Caller) -> Result<Vec<AssistantAnswer>, AppError> {
        Ok(fake_assistant_answers())
    }
    async fn save_assistant_answer(
        &self,
        _: &Caller,
        _: Option<i64>,
        _: Vec<String>,
        _: String,
        _: String,
    ) -> Result<AssistantAnswer, AppError> {
        Err(AppError::Internal)
    }
    async fn delete_assistant_answer(&self, _: &Caller, _: i64) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
}

/// The report queue: an open report of a message, one resolved by removing a message, one of a
/// group dismissed; filing and resolving are refused.
struct FakeReports;

fn fake_report(id: i64, kind: ReportTarget, summary: &str, status: ReportStatus) -> Report {
    let action = match status {
        ReportStatus::Open => None,
        ReportStatus::Resolved => Some(ReportAction::DeleteMessage),
        ReportStatus::Dismissed => Some(ReportAction::Dismiss),
    };
    Report {
        id,
        reporter_id: UserId(10),
        reporter_name: "ann".into(),
        target_kind: kind,
        target_id: 100 + id,
        target_user_id: Some(UserId(20)),
        target_user_name: "spammer".into(),
        summary: summary.into(),
        reason: if kind == ReportTarget::Group {
            ReportReason::Illegal
        } else {
            ReportReason::Spam
        },
        note: if id == 12 {
            "Sent to everyone I know".into()
        } else {
            String::new()
        },
        status,
        action,
        resolution_note: action.map(|_| "Checked".to_owned()).unwrap_or_default(),
        resolved_by_name: action.map(|_| "root".to_owned()).unwrap_or_default(),
        resolved_at: action.map(|_| 1_795_395_600_000),
        created_at: 1_795_392_000_000 + id,
    }
}

fn fake_reports() -> Vec<Report> {
    vec![
        fake_report(
            12,
            ReportTarget::Message,
            "Buy cheap watches now",
            ReportStatus::Open,
        ),
        fake_report(
            11,
            ReportTarget::Message,
            "Click this link",
            ReportStatus::Resolved,
        ),
        fake_report(
            10,
            ReportTarget::Group,
            "Night owls",
            ReportStatus::Dismissed,
        ),
    ]
}

#[async_trait::async_trait]
impl ReportsApi for FakeReports {
    async fn report(
        &self,
        _: &Caller,
        _: String,
        _: i64,
        _: String,
        _: String,
    ) -> Result<Report, AppError> {
        Err(AppError::Internal)
    }
    async fn list_reports(
        &self,
        _: &Caller,
        status: Option<String>,
        before_id: Option<i64>,
        limit: Option<u32>,
    ) -> Result<Vec<Report>, AppError> {
        Ok(fake_reports()
            .into_iter()
            .filter(|r| status.as_deref().is_none_or(|s| r.status.as_str() == s))
            .filter(|r| before_id.is_none_or(|b| r.id < b))
            .take(limit.unwrap_or(50) as usize)
            .collect())
    }
    async fn resolve_report(
        &self,
        _: &Caller,
        _: i64,
        _: String,
        _: String,
        _: Option<i64>,
    ) -> Result<Report, AppError> {
        Err(AppError::Forbidden)
    }
}

#[async_trait::async_trait]
impl MediaApi for NotUsedByAdmin {
    async fn upload_media(
        &self,
        _: &Caller,
        _: leptos::server_fn::codec::MultipartData,
    ) -> Result<shared::model::Media, AppError> {
        Err(AppError::Internal)
    }
    async fn set_avatar(&self, _: &Caller, _: Option<String>) -> Result<Option<String>, AppError> {
        Err(AppError::Internal)
    }
    async fn set_group_avatar(
        &self,
        _: &Caller,
        _: GroupId,
        _: Option<String>,
    ) -> Result<Option<String>, AppError> {
        Err(AppError::Internal)
    }
}

#[derive(Default)]
struct FakeAdmin {
    calls: AtomicUsize,
    users: Vec<AdminUser>,
    forbid: bool,
}

impl FakeAdmin {
    fn call(&self) -> Result<(), AppError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.forbid {
            Err(AppError::Forbidden)
        } else {
            Ok(())
        }
    }
}

#[async_trait::async_trait]
impl AdminApi for FakeAdmin {
    async fn list_users(
        &self,
        _: &Caller,
        filter: UserFilter,
        offset: Option<u32>,
        limit: Option<u32>,
    ) -> Result<Page<AdminUser>, AppError> {
        let (offset, limit) = (offset.unwrap_or(0), limit.unwrap_or(20));
        self.call()?;
        let matching: Vec<_> = self
            .users
            .iter()
            .filter(|u| {
                filter
                    .query
                    .as_deref()
                    .is_none_or(|q| u.username.contains(q))
            })
            .filter(|u| filter.role.as_ref().is_none_or(|r| u.roles.contains(r)))
            .filter(|u| filter.status.as_deref() != Some("online") || u.online)
            .cloned()
            .collect();
        let total = matching.len() as u64;
        let items = matching
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect();
        Ok(Page {
            items,
            total,
            page: offset / limit + 1,
            per_page: limit,
        })
    }
    async fn list_roles(&self, _: &Caller) -> Result<Vec<RoleInfo>, AppError> {
        self.call()?;
        Ok(vec![RoleInfo {
            id: RoleId(1),
            key: "admin".into(),
            name: "Administrator".into(),
            rights: vec!["admin".into(), "login".into()],
            user_count: 1,
            description: String::new(),
            builtin: true,
        }])
    }
    async fn list_rights(&self, _: &Caller) -> Result<Vec<RightInfo>, AppError> {
        self.call()?;
        Ok(vec![RightInfo {
            id: RightId(1),
            key: "speak".into(),
            name: "Speak".into(),
            roles: vec!["admin".into(), "user".into()],
        }])
    }
    async fn get_user(&self, _: &Caller, _: UserId) -> Result<AdminUserDetail, AppError> {
        Err(AppError::NotFound)
    }
    async fn create_user(
        &self,
        _: &Caller,
        _: String,
        _: String,
        _: Option<String>,
        _: Option<Vec<String>>,
    ) -> Result<AdminUserDetail, AppError> {
        Err(AppError::Internal)
    }
    async fn set_user_roles(
        &self,
        _: &Caller,
        _: UserId,
        _: Vec<String>,
    ) -> Result<AdminUserDetail, AppError> {
        Err(AppError::Internal)
    }
    async fn ban_user(
        &self,
        _: &Caller,
        _: UserId,
        _: String,
        _: Option<i64>,
    ) -> Result<AdminUserDetail, AppError> {
        Err(AppError::Internal)
    }
    async fn unban_user(&self, _: &Caller, _: UserId) -> Result<AdminUserDetail, AppError> {
        Err(AppError::Internal)
    }
    async fn mute_user(
        &self,
        _: &Caller,
        _: UserId,
        _: Option<i64>,
    ) -> Result<AdminUserDetail, AppError> {
        Err(AppError::Internal)
    }
    async fn unmute_user(&self, _: &Caller, _: UserId) -> Result<AdminUserDetail, AppError> {
        Err(AppError::Internal)
    }
    async fn reset_password(&self, _: &Caller, _: UserId) -> Result<OneTimePassword, AppError> {
        Err(AppError::Internal)
    }
    async fn revoke_sessions(&self, _: &Caller, _: UserId) -> Result<AdminUserDetail, AppError> {
        Err(AppError::Internal)
    }
    async fn create_role(
        &self,
        _: &Caller,
        _: String,
        _: Option<String>,
        _: Vec<String>,
    ) -> Result<RoleInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn update_role(
        &self,
        _: &Caller,
        _: String,
        _: Option<String>,
        _: Vec<String>,
    ) -> Result<RoleInfo, AppError> {
        Err(AppError::Internal)
    }
    async fn delete_role(&self, _: &Caller, _: String) -> Result<(), AppError> {
        Err(AppError::Internal)
    }
    async fn get_settings(&self, _: &Caller) -> Result<shared::model::AdminSettings, AppError> {
        Err(AppError::Internal)
    }
    async fn update_settings(
        &self,
        _: &Caller,
        _: shared::api::admin::SettingsChange,
    ) -> Result<shared::model::AdminSettings, AppError> {
        Err(AppError::Internal)
    }
    async fn audit_log(
        &self,
        _: &Caller,
        _: Option<UserId>,
        _: Option<String>,
        _: Option<i64>,
        _: Option<i64>,
        _: Option<u32>,
    ) -> Result<Vec<AuditEntry>, AppError> {
        self.call()?;
        Ok(Vec::new())
    }
}

/// The console's group and message area: a few groups and messages; changes are refused.
struct FakeAdminContent;

fn group(id: i64, name: &str, owner: &str, status: GroupStatus, dissolved: bool) -> AdminGroup {
    AdminGroup {
        id: GroupId(id),
        conversation_id: ConversationId(id + 6),
        name: name.into(),
        avatar_url: None,
        owner_id: UserId(id * 10),
        owner_name: owner.into(),
        member_count: 3,
        status,
        dissolved,
        listed: id == 1,
        created_at: 1_795_392_000_000,
        last_message_at: (id == 1).then_some(1_795_395_600_000),
    }
}

fn fake_groups() -> Vec<AdminGroup> {
    vec![
        group(1, "Hiking club", "ann", GroupStatus::Active, false),
        group(2, "Night owls", "bob", GroupStatus::Disabled, false),
        group(3, "Old friends", "cat", GroupStatus::Active, true),
    ]
}

fn member(id: i64, username: &str, role: GroupRole) -> GroupMember {
    GroupMember {
        user_id: UserId(id),
        username: username.into(),
        nickname: format!("Nick {username}"),
        group_nickname: String::new(),
        avatar_url: None,
        role,
        muted_until: None,
        joined_at: 1_795_392_000_000,
    }
}

fn fake_message(id: i64, sender: Option<(i64, &str)>, body: MessageBody) -> AdminMessage {
    AdminMessage {
        message: Message {
            id: MessageId(id),
            conversation_id: ConversationId(7),
            seq: id,
            sender_id: sender.map(|(s, _)| UserId(s)),
            client_msg_id: None,
            body,
            created_at: 1_795_392_000_000 + id,
            quote: None,
            edited_at: None,
            reactions: Vec::new(),
            mentions: Vec::new(),
        },
        conversation_kind: "group".into(),
        conversation_title: "Hiking club".into(),
        sender_name: sender.map(|(_, n)| n.to_owned()).unwrap_or_default(),
    }
}

#[async_trait::async_trait]
impl AdminContentApi for FakeAdminContent {
    async fn list_groups(
        &self,
        _: &Caller,
        filter: GroupFilter,
        offset: Option<u32>,
        limit: Option<u32>,
    ) -> Result<Page<AdminGroup>, AppError> {
        let (offset, limit) = (offset.unwrap_or(0), limit.unwrap_or(20));
        let matching: Vec<_> = fake_groups()
            .into_iter()
            .filter(|g| {
                filter
                    .query
                    .as_deref()
                    .is_none_or(|q| g.name.to_lowercase().contains(&q.to_lowercase()))
            })
            .filter(|g| match filter.status.as_deref() {
                None => true,
                Some("dissolved") => g.dissolved,
                Some(s) => !g.dissolved && g.status.as_str() == s,
            })
            .collect();
        Ok(Page {
            total: matching.len() as u64,
            items: matching
                .into_iter()
                .skip(offset as usize)
                .take(limit as usize)
                .collect(),
            page: offset / limit + 1,
            per_page: limit,
        })
    }
    async fn get_group(&self, _: &Caller, id: GroupId) -> Result<AdminGroupDetail, AppError> {
        let group = fake_groups()
            .into_iter()
            .find(|g| g.id == id)
            .ok_or(AppError::NotFound)?;
        Ok(AdminGroupDetail {
            group,
            introduction: "Weekend walks".into(),
            notice: String::new(),
            muted_all: false,
            message_count: 42,
            members: vec![
                member(10, "ann", GroupRole::Owner),
                member(11, "bob", GroupRole::Admin),
                member(12, "cat", GroupRole::Member),
            ],
        })
    }
    async fn set_group_status(
        &self,
        _: &Caller,
        _: GroupId,
        _: String,
    ) -> Result<AdminGroupDetail, AppError> {
        Err(AppError::Forbidden)
    }
    async fn dissolve_group(&self, _: &Caller, _: GroupId) -> Result<AdminGroupDetail, AppError> {
        Err(AppError::Forbidden)
    }
    async fn transfer_group(
        &self,
        _: &Caller,
        _: GroupId,
        _: UserId,
    ) -> Result<AdminGroupDetail, AppError> {
        Err(AppError::Forbidden)
    }
    async fn list_messages(
        &self,
        _: &Caller,
        filter: MessageFilter,
        _: Option<u32>,
    ) -> Result<Vec<AdminMessage>, AppError> {
        let all = vec![
            fake_message(
                104,
                Some((10, "ann")),
                MessageBody::Text {
                    text: "hello from the fake".into(),
                },
            ),
            fake_message(
                103,
                Some((11, "bob")),
                MessageBody::Recalled {
                    by: UserId(1),
                    by_admin: true,
                },
            ),
            fake_message(
                102,
                Some((12, "cat")),
                MessageBody::Image {
                    media_id: "m".into(),
                    media: None,
                },
            ),
            fake_message(
                101,
                None,
                MessageBody::System {
                    notice: SystemNotice::DissolvedByAdmin,
                },
            ),
        ];
        Ok(all
            .into_iter()
            .filter(|m| {
                filter
                    .conversation_id
                    .is_none_or(|c| m.message.conversation_id == c)
            })
            .filter(|m| {
                filter
                    .user_id
                    .is_none_or(|u| m.message.sender_id == Some(u))
            })
            .filter(|m| filter.before_id.is_none_or(|b| m.message.id < b))
            .collect())
    }
    async fn delete_message(
        &self,
        _: &Caller,
        _: MessageId,
        _: String,
    ) -> Result<AdminMessage, AppError> {
        Err(AppError::Forbidden)
    }
    async fn stats(&self, _: &Caller, hours: Option<u32>) -> Result<DashboardStats, AppError> {
        // Figures taken at 2026-11-23 00:00 UTC; a message in every hour but the last, two
        // sign-ups a day, up to 30 active users.
        const HOUR: i64 = 3_600_000;
        let now = 1_795_392_000_000;
        let hours = hours.unwrap_or(48);
        let since = now - i64::from(hours) * HOUR;
        let messages_per_hour = (0..=i64::from(hours))
            .map(|i| SeriesPoint {
                at: since + i * HOUR,
                count: if i == i64::from(hours) {
                    0
                } else {
                    (i % 7) as u64
                },
            })
            .collect();
        let days = (i64::from(hours) + 23) / 24;
        let day = |f: fn(i64) -> u64| -> Vec<SeriesPoint> {
            (0..=days)
                .map(|i| SeriesPoint {
                    at: now - (days - i) * 24 * HOUR,
                    count: f(i),
                })
                .collect()
        };
        Ok(DashboardStats {
            users: 1234,
            groups: 56,
            messages: 98_765,
            media_bytes: 1536 * 1024,
            database_bytes: None,
            online_users: 3,
            connections: 5,
            hours,
            messages_per_hour,
            new_users_per_day: day(|_| 2),
            active_users_per_day: day(|i| (i % 31) as u64),
            generated_at: now,
        })
    }
    async fn announce(&self, _: &Caller, _: String) -> Result<shared::model::Announced, AppError> {
        Ok(shared::model::Announced { recipients: 1234 })
    }
}

fn me(rights: &[&str]) -> Me {
    Me {
        id: UserId(1),
        username: "root".into(),
        nickname: "Boss".into(),
        avatar_url: None,
        signature: String::new(),
        roles: vec![],
        rights: rights.iter().map(|r| (*r).to_owned()).collect(),
        presence: PresenceVisibility::Friends,
    }
}

fn users(n: i64) -> Vec<AdminUser> {
    (1..=n)
        .map(|i| AdminUser {
            id: UserId(i),
            username: format!("user{i:02}"),
            nickname: format!("Nick {i}"),
            avatar_url: None,
            roles: vec!["user".into()],
            created_at: 1_795_392_000_000,
            session_count: 2,
            banned_until: None,
            muted_until: None,
            provider: "local".into(),
            linked: Vec::new(),
            // The first is online, the second was seen on 2026-11-23, the rest never.
            last_seen_at: (i <= 2).then_some(1_795_392_000_000),
            online: i == 1,
        })
        .collect()
}

struct Rendered {
    html: String,
    redirect: Option<String>,
    admin_calls: usize,
}

/// `html` without the renderer's placeholders and comments (`<!>`, `<!--<() />-->`), which
/// depend on how the views were compiled (erased component types leave more of them): the
/// tests read what a person sees.
fn without_markers(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html.replace("<!>", "");
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = rest[start + end + 3..].to_owned(),
            None => {
                rest.clear();
                break;
            }
        }
    }
    out.push_str(&rest);
    out
}

async fn render(path: &str, me: Option<Me>, admin: FakeAdmin, cookie: Option<&str>) -> Rendered {
    render_with(path, me, admin, cookie, false).await
}

async fn render_with(
    path: &str,
    me: Option<Me>,
    admin: FakeAdmin,
    cookie: Option<&str>,
    out_of_order: bool,
) -> Rendered {
    let _ = any_spawner::Executor::init_tokio();
    let admin = Arc::new(admin);
    let redirect = Arc::new(Mutex::new(None::<String>));
    let owner = Owner::new_root(None);
    let stream = owner.with(|| {
        let mut request = http::Request::builder().uri(path);
        if let Some(cookie) = cookie {
            request = request.header(http::header::COOKIE, cookie);
        }
        let (mut parts, ()) = request.body(()).expect("request").into_parts();
        parts.extensions.insert(Caller::default());
        provide_context(parts);
        let (meta, _meta_output) = leptos_meta::ServerMetaContext::new();
        provide_context(meta);
        provide_context(RequestUrl::new(path));
        provide_context(Ports {
            accounts: Arc::new(FakeAccounts { me }),
            admin: admin.clone(),
            admin_content: Arc::new(FakeAdminContent),
            contacts: Arc::new(NotUsedByAdmin),
            messages: Arc::new(NotUsedByAdmin),
            groups: Arc::new(NotUsedByAdmin),
            media: Arc::new(NotUsedByAdmin),
            links: Arc::new(NotUsedByAdmin),
            reports: Arc::new(FakeReports),
            invites: Arc::new(FakeInvites),
            bots: Arc::new(NotUsedByAdmin),
            assistant: Arc::new(FakeAssistant),
        });
        let redirect = redirect.clone();
        provide_server_redirect(move |to| {
            *redirect.lock().expect("lock") = Some(to.to_owned());
        });
        if out_of_order {
            view! { <App/> }.to_html_stream_out_of_order()
        } else {
            view! { <App/> }.to_html_stream_in_order()
        }
    });
    let html = without_markers(&stream.collect::<Vec<_>>().await.concat());
    let redirect = redirect.lock().expect("lock").clone();
    Rendered {
        html,
        redirect,
        admin_calls: admin.calls.load(Ordering::SeqCst),
    }
}

#[tokio::test]
async fn anonymous_visitors_are_redirected_to_log_in() {
    let r = render("/admin/users", None, FakeAdmin::default(), None).await;
    assert_eq!(r.redirect.as_deref(), Some("/admin/login"));
    assert_eq!(r.admin_calls, 0);
}

#[tokio::test]
async fn non_admins_are_refused_without_data() {
    let r = render(
        "/admin/users",
        Some(me(&["login"])),
        FakeAdmin::default(),
        None,
    )
    .await;
    assert_eq!(r.redirect, None);
    assert!(r.html.contains("该账号没有管理权限"), "{}", r.html);
    assert!(r.html.contains("退出登录"));
    assert!(!r.html.contains("<table"));
    assert_eq!(r.admin_calls, 0);
}

#[tokio::test]
async fn admins_see_the_users_table() {
    let admin = FakeAdmin {
        users: users(25),
        ..FakeAdmin::default()
    };
    let r = render("/admin/users?page=2", Some(me(&["admin"])), admin, None).await;
    assert_eq!(r.redirect, None);
    let html = &r.html;
    assert!(html.contains(r#"aria-label="用户""#), "{html}");
    assert!(html.contains("user21") && html.contains("user25"), "{html}");
    assert!(!html.contains("user20"));
    // 1_795_392_000_000 ms is 2026-11-23 00:00 UTC (the server renders UTC).
    assert!(
        html.contains(r#"<time title="2026-11-23 00:00">2026-11-23 00:00</time>"#),
        "{html}"
    );
    assert!(html.contains(r#"<label for="user-search""#));
    assert!(html.contains(r#"aria-current="page""#));
    assert!(html.contains("Boss"));
    // The page and the role filter's options.
    assert_eq!(r.admin_calls, 2);
}

#[tokio::test]
async fn an_empty_search_says_so() {
    let admin = FakeAdmin {
        users: users(3),
        ..FakeAdmin::default()
    };
    let r = render(
        "/admin/users?q=nobody",
        Some(me(&["admin"])),
        admin,
        Some("parley_lang=en"),
    )
    .await;
    assert!(r.html.contains("No matching results"), "{}", r.html);
    assert!(r.html.contains(r#"value="nobody""#), "{}", r.html);
}

#[tokio::test]
async fn a_forbidden_answer_is_translated_with_retry() {
    let admin = FakeAdmin {
        forbid: true,
        ..FakeAdmin::default()
    };
    let r = render(
        "/admin/roles",
        Some(me(&["admin"])),
        admin,
        Some("parley_lang=en"),
    )
    .await;
    assert!(
        r.html.contains("You are not allowed to do this"),
        "{}",
        r.html
    );
    assert!(r.html.contains(">Retry<"));
}

#[tokio::test]
async fn roles_and_rights_render() {
    let r = render(
        "/admin/roles",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        None,
    )
    .await;
    assert!(r.html.contains("管理员"), "{}", r.html);
    let r = render(
        "/admin/rights",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        Some("parley_lang=en"),
    )
    .await;
    assert!(
        r.html.contains("Granted by roles") && r.html.contains("Speak"),
        "{}",
        r.html
    );
}

#[tokio::test]
async fn the_log_in_page_has_labelled_fields() {
    let r = render(
        "/admin/login",
        None,
        FakeAdmin::default(),
        Some("parley_lang=en"),
    )
    .await;
    let html = &r.html;
    assert!(
        html.contains(r#"<label for="login-username">Username</label>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<label for="login-password">Password</label>"#),
        "{html}"
    );
    assert!(
        html.contains("disabled"),
        "submit disabled until hydrated: {html}"
    );
    assert_eq!(r.redirect, None);
}

#[tokio::test]
async fn unknown_paths_say_not_found() {
    let r = render("/admin/nope", None, FakeAdmin::default(), None).await;
    assert!(r.html.contains("页面不存在"), "{}", r.html);
}

#[tokio::test]
async fn out_of_order_streaming_renders_too() {
    let admin = FakeAdmin {
        users: users(2),
        ..FakeAdmin::default()
    };
    let r = render_with("/admin/users", Some(me(&["admin"])), admin, None, true).await;
    assert!(r.html.contains("user02"), "{}", r.html);
    assert_eq!(r.admin_calls, 2, "the page and the role filter");
}

#[tokio::test]
async fn admins_see_the_groups_table() {
    let r = render(
        "/admin/groups",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        Some("parley_lang=en"),
    )
    .await;
    assert_eq!(r.redirect, None);
    let html = &r.html;
    assert!(html.contains(r#"aria-label="Groups""#), "{html}");
    assert!(
        html.contains("Hiking club") && html.contains("Night owls"),
        "{html}"
    );
    assert!(
        html.contains(r#"aria-label="Manage Hiking club""#),
        "{html}"
    );
    assert!(
        html.contains(">Disabled<") && html.contains(">Dissolved<"),
        "{html}"
    );
    assert!(html.contains(r#"<label for="group-status""#), "{html}");
    assert!(html.contains(r#"<label for="group-search""#), "{html}");
    // The owner's username and the sidebar's current page.
    assert!(html.contains(">ann<"), "{html}");
    assert!(
        html.contains(r#"href="/admin/groups" aria-current="page""#),
        "{html}"
    );
    assert!(html.contains(r#"href="/admin/messages""#), "{html}");
}

#[tokio::test]
async fn the_groups_table_follows_its_url() {
    let r = render(
        "/admin/groups?status=disabled&q=owl",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        None,
    )
    .await;
    let html = &r.html;
    assert!(html.contains("Night owls"), "{html}");
    assert!(!html.contains("Hiking club"), "{html}");
    assert!(html.contains(r#"value="owl""#), "{html}");
    assert!(html.contains("已停用"), "{html}");
    assert!(
        html.contains(r#"<option value="disabled" selected"#),
        "{html}"
    );
}

#[tokio::test]
async fn admins_browse_messages() {
    let r = render(
        "/admin/messages?conversation=7",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        Some("parley_lang=en"),
    )
    .await;
    assert_eq!(r.redirect, None);
    let html = &r.html;
    assert!(html.contains(r#"aria-label="Messages""#), "{html}");
    assert!(html.contains("hello from the fake"), "{html}");
    assert!(
        html.contains("This message was removed by an administrator"),
        "{html}"
    );
    assert!(html.contains("[Photo]"), "{html}");
    assert!(
        html.contains("An administrator dissolved the group"),
        "{html}"
    );
    assert!(html.contains(r#"value="7""#), "{html}");
    // Removed messages and notices cannot be deleted again.
    assert!(
        html.contains(r#"aria-label="Delete message 104""#),
        "{html}"
    );
    assert!(
        html.contains(r#"aria-label="Delete message 102""#),
        "{html}"
    );
    assert!(
        !html.contains(r#"aria-label="Delete message 103""#),
        "{html}"
    );
    assert!(
        !html.contains(r#"aria-label="Delete message 101""#),
        "{html}"
    );
    // The sender links to their messages; fewer than a page: nothing older.
    assert!(html.contains(r#"href="/admin/messages?user=10""#), "{html}");
    assert!(html.contains("No older messages"), "{html}");
    assert!(html.contains("Export CSV"), "{html}");
}

#[tokio::test]
async fn an_empty_message_search_says_so() {
    let r = render(
        "/admin/messages?conversation=99&q=nothing",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        None,
    )
    .await;
    assert!(r.html.contains("没有匹配的结果"), "{}", r.html);
    assert!(r.html.contains(r#"value="nothing""#), "{}", r.html);
}

#[tokio::test]
async fn the_users_table_shows_presence_provider_and_filters() {
    let admin = FakeAdmin {
        users: users(3),
        ..FakeAdmin::default()
    };
    let r = render(
        "/admin/users?sort=last_seen&role=admin",
        Some(me(&["admin"])),
        admin,
        Some("parley_lang=en"),
    )
    .await;
    let html = &r.html;
    // Nobody holds `admin` among the fakes.
    assert!(html.contains("No matching results"), "{html}");
    assert!(
        html.contains(r#"<option value="last_seen" selected"#),
        "{html}"
    );
    assert!(html.contains(r#"<option value="admin" selected"#), "{html}");
    assert!(html.contains(">Administrator<"), "{html}");
    assert!(html.contains(r#"<label for="user-status""#), "{html}");

    let admin = FakeAdmin {
        users: users(3),
        ..FakeAdmin::default()
    };
    let r = render(
        "/admin/users",
        Some(me(&["admin"])),
        admin,
        Some("parley_lang=en"),
    )
    .await;
    let html = &r.html;
    assert!(html.contains(">Last seen<"), "{html}");
    assert!(html.contains("presence-online"), "{html}");
    assert!(html.contains(">Never<"), "{html}");
    assert!(html.contains(">Local<"), "{html}");
    assert!(html.contains(r#"<option value="online""#), "{html}");

    let admin = FakeAdmin {
        users: users(3),
        ..FakeAdmin::default()
    };
    let r = render(
        "/admin/users?status=online",
        Some(me(&["admin"])),
        admin,
        None,
    )
    .await;
    assert!(r.html.contains("user01"), "{}", r.html);
    assert!(!r.html.contains("user02"), "{}", r.html);
    assert!(
        r.html.contains("管理员"),
        "role names in Chinese: {}",
        r.html
    );
}

#[tokio::test]
async fn the_dashboard_shows_figures_and_charts() {
    let r = render(
        "/admin",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        Some("parley_lang=en"),
    )
    .await;
    assert_eq!(r.redirect, None);
    let html = &r.html;
    // The figures, each labelled by its card's heading.
    assert!(
        html.contains(r#"<h2 id="stat-online-users" class="stat-label">Online now</h2>"#),
        "{html}"
    );
    assert!(
        html.contains(
            r#"<p aria-labelledby="stat-online-users" data-testid="online-users" class="stat-value">3</p>"#
        ),
        "{html}"
    );
    assert!(
        html.contains(r#"data-testid="users" class="stat-value">1,234<"#),
        "{html}"
    );
    assert!(
        html.contains(r#"data-testid="messages" class="stat-value">98,765<"#),
        "{html}"
    );
    assert!(
        html.contains(r#"data-testid="media" class="stat-value">1.5 MB<"#),
        "{html}"
    );
    assert!(
        html.contains(r#"data-testid="database" class="stat-value stat-value-word">Unknown<"#),
        "{html}"
    );
    assert!(
        html.contains(r#"data-testid="connections" class="stat-value">5<"#),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/admin/users?status=online""#),
        "{html}"
    );
    // Two charts, named and summed up; 48 hourly bars (the last hour had none).
    assert_eq!(html.matches("<svg").count(), 2, "{html}");
    assert!(
        html.contains(
            r#"<title id="chart-hourly-title">Messages per hour (last 48 hours)</title>"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"role="img""#), "{html}");
    assert!(
        html.contains(r#"aria-labelledby="chart-daily-title""#),
        "{html}"
    );
    assert!(
        html.contains("messages in the last 48 hours; at most 6 in one hour."),
        "{html}"
    );
    // The hourly chart's labels are the server's UTC hours; the last one is the current hour.
    assert!(html.contains(">11-23 00:00</text>"), "{html}");
    // The daily chart: 30 days of two sign-ups.
    assert!(html.contains("60 sign-ups in the last 30 days"), "{html}");
    assert!(html.contains("<polyline"), "{html}");
    // The announcement form, its button disabled until hydrated.
    assert!(
        html.contains(r#"<label for="announce-text">Message to everyone</label>"#),
        "{html}"
    );
    assert!(html.contains(r#"maxlength="2000""#), "{html}");
    assert!(html.contains("Send to everyone"), "{html}");
    // The users API is not asked for anything.
    assert_eq!(r.admin_calls, 0);
}

#[tokio::test]
async fn admins_see_the_open_reports() {
    let r = render(
        "/admin/reports",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        Some("parley_lang=en"),
    )
    .await;
    assert_eq!(r.redirect, None);
    let html = &r.html;
    assert!(html.contains(r#"aria-label="Reports""#), "{html}");
    assert!(html.contains("Buy cheap watches now"), "{html}");
    assert!(!html.contains("Click this link"), "only open ones: {html}");
    assert!(html.contains("Spam or advertising"), "{html}");
    assert!(html.contains("Sent to everyone I know"), "{html}");
    assert!(html.contains("@spammer"), "{html}");
    // The message links to its sender's messages.
    assert!(
        html.contains(
            r#"<a href="/admin/messages?user=20" class="report-summary">Buy cheap watches now</a>"#
        ),
        "{html}"
    );
    for action in ["Dismiss", "Delete message", "Mute", "Ban"] {
        let label = format!(r#"aria-label="{action} (report 12)""#);
        assert!(html.contains(&label), "{label}: {html}");
    }
    // The filter: Open is the current one; the sidebar links here after Messages.
    assert!(
        html.contains(
            r#"<a href="/admin/reports" aria-current="page" class="segmented-item">Open</a>"#
        ),
        "{html}"
    );
    assert!(
        html.contains(r#"href="/admin/reports" aria-current="page""#),
        "{html}"
    );
    let messages = html
        .find(r#"href="/admin/messages""#)
        .expect("messages link");
    let reports = html.find(r#"href="/admin/reports""#).expect("reports link");
    assert!(messages < reports, "{html}");
    assert!(html.contains("No older reports"), "{html}");
}

#[tokio::test]
async fn admins_see_the_usable_invite_codes_and_a_form_for_more() {
    let r = render(
        "/admin/invites",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        Some("parley_lang=en"),
    )
    .await;
    assert_eq!(r.redirect, None);
    let html = &r.html;
    assert!(html.contains(r#"aria-label="Invite codes""#), "{html}");
    assert!(html.contains("Ab3dEf6hIj9k"), "{html}");
    assert!(!html.contains("Zz9yXx8wVv7u"), "only usable ones: {html}");
    assert!(html.contains("Design team"), "{html}");
    assert!(html.contains("2 / 5"), "{html}");
    assert!(html.contains("@newhire"), "{html}");
    assert!(
        html.contains(r#"aria-label="Revoke code Ab3dEf6hIj9k""#),
        "{html}"
    );
    assert!(html.contains("New invite code"), "{html}");
    assert!(html.contains(r#"name="max_uses""#), "{html}");
    assert!(
        html.contains(
            r#"<a href="/admin/invites" aria-current="page" class="segmented-item">Usable</a>"#
        ),
        "{html}"
    );
}

#[tokio::test]
async fn revoked_invite_codes_offer_no_revoke_in_chinese() {
    let r = render(
        "/admin/invites?status=revoked",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        Some("parley_lang=zh"),
    )
    .await;
    let html = &r.html;
    assert!(html.contains("Zz9yXx8wVv7u"), "{html}");
    assert!(!html.contains("Ab3dEf6hIj9k"), "{html}");
    assert!(html.contains("已撤销"), "{html}");
    assert!(
        !html.contains("撤销邀请码 Zz9yXx8wVv7u"),
        "no revoke for a revoked code: {html}"
    );
    assert!(html.contains("新建邀请码"), "{html}");
}

#[tokio::test]
async fn admins_see_the_assistant_table_and_its_form() {
    let r = render(
        "/admin/assistant",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        Some("parley_lang=en"),
    )
    .await;
    assert_eq!(r.redirect, None);
    let html = &r.html;
    assert!(html.contains("<h1>Assistant</h1>"), "{html}");
    assert!(
        html.contains(r#"href="/admin/assistant" aria-current="page""#),
        "{html}"
    );
    assert!(
        html.contains("The Parley Assistant answers users"),
        "{html}"
    );
    assert!(html.contains(r#"aria-label="Assistant answers""#), "{html}");
    assert_eq!(
        html.matches(r#"data-testid="assistant-answer""#).count(),
        2,
        "{html}"
    );
    // Keywords as chips, in both languages.
    assert!(html.contains(r#"<li class="badge">invite</li>"#), "{html}");
    assert!(html.contains(r#"<li class="badge">邀请码</li>"#), "{html}");
    assert!(html.contains("How do I invite a friend?"), "{html}");
    // The long answer is shortened in the cell, whole in its title.
    assert!(html.contains("Open Discover, then My QR code"), "{html}");
    assert!(html.contains("…</td>"), "{html}");
    assert!(html.contains("people without an account.\""), "{html}");
    assert!(html.contains("请向管理员索取邀请码。"), "{html}");
    assert!(
        html.contains(r#"<time title="2026-11-23 00:00">2026-11-23 00:00</time>"#),
        "{html}"
    );
    assert_eq!(
        html.matches(r#"aria-label="Edit entry""#).count(),
        2,
        "{html}"
    );
    assert_eq!(
        html.matches(r#"aria-label="Delete entry""#).count(),
        2,
        "{html}"
    );
    // The form, empty, for a new entry.
    assert!(html.contains("New entry"), "{html}");
    assert!(
        html.contains(r#"<label for="assistant-keywords">Keywords</label>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<label for="assistant-question">Question</label>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<label for="assistant-answer">Answer</label>"#),
        "{html}"
    );
    assert!(html.contains(r#"id="assistant-answer""#), "{html}");
    assert!(html.contains("Save entry"), "{html}");
    assert!(html.contains("0 / 2000"), "{html}");
}

#[tokio::test]
async fn the_assistant_page_speaks_chinese() {
    let r = render(
        "/admin/assistant",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        Some("parley_lang=zh"),
    )
    .await;
    let html = &r.html;
    assert!(html.contains("<h1>助手</h1>"), "{html}");
    assert!(html.contains("Parley 助手用这张表回答用户"), "{html}");
    assert!(html.contains(r#"aria-label="助手问答""#), "{html}");
    assert!(
        html.contains(r#"<label for="assistant-keywords">关键词</label>"#),
        "{html}"
    );
    assert!(
        html.contains("新建条目") && html.contains("保存条目"),
        "{html}"
    );
    assert!(html.contains(r#"aria-label="删除条目""#), "{html}");
    assert!(html.contains("请向管理员索取邀请码。"), "{html}");
}

#[tokio::test]
async fn the_assistant_table_is_for_admins_only() {
    let r = render(
        "/admin/assistant",
        Some(me(&["login"])),
        FakeAdmin::default(),
        None,
    )
    .await;
    assert!(r.html.contains("该账号没有管理权限"), "{}", r.html);
    assert!(!r.html.contains("请向管理员索取邀请码"), "{}", r.html);
    let r = render("/admin/assistant", None, FakeAdmin::default(), None).await;
    assert_eq!(r.redirect.as_deref(), Some("/admin/login"));
}

#[tokio::test]
async fn closed_reports_show_their_outcome_without_actions() {
    let r = render(
        "/admin/reports?status=all",
        Some(me(&["admin"])),
        FakeAdmin::default(),
        None,
    )
    .await;
    let html = &r.html;
    assert!(
        html.contains("Buy cheap watches now") && html.contains("Click this link"),
        "{html}"
    );
    // Chinese: the outcome, who resolved it and their note; the group links to its row.
    assert!(html.contains("消息已删除"), "{html}");
    assert!(html.contains("@root"), "{html}");
    assert!(html.contains("Checked"), "{html}");
    assert!(
        html.contains(r#"href="/admin/groups?q=Night%20owls""#),
        "{html}"
    );
    assert!(html.contains(r#"data-status="dismissed""#), "{html}");
    assert!(html.contains(r#"aria-label="驳回（投诉 12）""#), "{html}");
    assert!(!html.contains(r#"aria-label="驳回（投诉 11）""#), "{html}");
    assert!(
        html.contains(r#"aria-current="page" class="segmented-item">全部</a>"#),
        "{html}"
    );
}
