//! Reports: a user flags a message, a user or a group; an administrator resolves it.

use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// Longest note a reporter or an administrator adds, in characters.
pub const REPORT_NOTE_MAX: usize = 500;
/// Most reports one `admin_list_reports` page holds.
pub const REPORTS_PAGE_MAX: u32 = 100;

/// What is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportTarget {
    /// A message (its id).
    Message,
    /// A user (their id).
    User,
    /// A group (its id).
    Group,
}

impl ReportTarget {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportTarget::Message => "message",
            ReportTarget::User => "user",
            ReportTarget::Group => "group",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<ReportTarget> {
        match s {
            "message" => Some(ReportTarget::Message),
            "user" => Some(ReportTarget::User),
            "group" => Some(ReportTarget::Group),
            _ => None,
        }
    }
}

/// Why it is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    /// Advertising, repeated unwanted messages.
    Spam,
    /// Insults, threats, stalking.
    Harassment,
    /// Scams, impersonation.
    Fraud,
    /// Sexual content.
    Sexual,
    /// Anything against the law.
    Illegal,
    /// Something else (the note says what).
    Other,
}

impl ReportReason {
    /// Every reason, in the order the apps offer them.
    pub const ALL: [ReportReason; 6] = [
        ReportReason::Spam,
        ReportReason::Harassment,
        ReportReason::Fraud,
        ReportReason::Sexual,
        ReportReason::Illegal,
        ReportReason::Other,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Spam => "spam",
            ReportReason::Harassment => "harassment",
            ReportReason::Fraud => "fraud",
            ReportReason::Sexual => "sexual",
            ReportReason::Illegal => "illegal",
            ReportReason::Other => "other",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<ReportReason> {
        ReportReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Waiting for an administrator.
    Open,
    /// An administrator acted on it.
    Resolved,
    /// An administrator found nothing to do.
    Dismissed,
}

impl ReportStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Open => "open",
            ReportStatus::Resolved => "resolved",
            ReportStatus::Dismissed => "dismissed",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<ReportStatus> {
        match s {
            "open" => Some(ReportStatus::Open),
            "resolved" => Some(ReportStatus::Resolved),
            "dismissed" => Some(ReportStatus::Dismissed),
            _ => None,
        }
    }
}

/// What an administrator does about a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportAction {
    /// Nothing to do.
    Dismiss,
    /// Remove the reported message for everyone.
    DeleteMessage,
    /// Mute the user responsible (a group: mute the group).
    Mute,
    /// Ban the user responsible (a group: disable the group).
    Ban,
}

impl ReportAction {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportAction::Dismiss => "dismiss",
            ReportAction::DeleteMessage => "delete_message",
            ReportAction::Mute => "mute",
            ReportAction::Ban => "ban",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<ReportAction> {
        match s {
            "dismiss" => Some(ReportAction::Dismiss),
            "delete_message" => Some(ReportAction::DeleteMessage),
            "mute" => Some(ReportAction::Mute),
            "ban" => Some(ReportAction::Ban),
            _ => None,
        }
    }
}

/// A report as the console's queue shows it (the reporter sees theirs the same way).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The report.
    pub id: i64,
    /// Who filed it.
    pub reporter_id: UserId,
    /// Their username.
    pub reporter_name: String,
    /// What kind of thing is reported.
    pub target_kind: ReportTarget,
    /// Its id.
    pub target_id: i64,
    /// The user responsible: the message's sender, the user, the group's owner.
    #[serde(default)]
    pub target_user_id: Option<UserId>,
    /// Their username.
    #[serde(default)]
    pub target_user_name: String,
    /// What it was when reported: the message's text (or its kind), the user's or the
    /// group's name.
    pub summary: String,
    /// Why.
    pub reason: ReportReason,
    /// The reporter's note.
    pub note: String,
    /// Where it stands.
    pub status: ReportStatus,
    /// What the administrator did.
    #[serde(default)]
    pub action: Option<ReportAction>,
    /// The administrator's note.
    #[serde(default)]
    pub resolution_note: String,
    /// The administrator's username.
    #[serde(default)]
    pub resolved_by_name: String,
    /// When it was resolved.
    #[serde(default)]
    pub resolved_at: Option<i64>,
    /// When it was filed.
    pub created_at: i64,
}
