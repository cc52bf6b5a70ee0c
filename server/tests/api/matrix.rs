//! The authorization matrix: every server function and the WebSocket, called by every kind of
//! caller (anonymous, disabled, `mute`, a user outside the group, a member, the group's admin,
//! its owner, an administrator) with ids that are the caller's, someone else's, missing,
//! negative or huge, and with bodies that are not JSON, have mistyped arguments or miss one.
//! Every cell's exact answer (HTTP status and error code, or success) is the one docs/API.md and
//! docs/EVENTS.md promise; one run lists every cell that answers otherwise.
//!
//! The table is data ([`table`]): lines of (function, arguments, body builder, expected answer
//! per caller kind), each line naming every caller kind exactly once, expanded into one row per
//! caller. The lines run in table order against one fixture per backend (the eight cells of a
//! line together: each caller acts on its own behalf), so the lines that change state (answering
//! requests, removing members, leaving and dissolving groups, changing the password, signing up
//! and logging out on the caller's device) sit where their effect is what the later lines
//! expect. [`the_matrix_covers_every_server_function`] fails when a registered server function
//! has no line.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::cookie::{CookieStore, Jar};
use serde_json::{Value, json};
use shared::event::ServerEvent;
use shared::ids::UserId;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::harness::{PASSWORD, TestServer};

crate::on_both_backends!(every_cell_of_the_matrix_answers_as_documented);

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// No session at all.
    Anonymous,
    /// A session made while the user could log in; the role is now `disabled`.
    Disabled,
    /// Role `mute` (log in and add friends only); a plain member of the groups.
    Mute,
    /// An ordinary user in none of the owner's groups (owns a group of its own).
    NonMember,
    /// An ordinary user, a plain member of the groups.
    Member,
    /// An ordinary user, an admin of the groups.
    GroupAdmin,
    /// An ordinary user who owns the groups.
    Owner,
    /// Role `admin` (every right), in none of the groups.
    Admin,
}

use Kind::{Admin, Anonymous, Disabled, GroupAdmin, Member, Mute, NonMember, Owner};

const KINDS: [Kind; 8] = [
    Anonymous, Disabled, Mute, NonMember, Member, GroupAdmin, Owner, Admin,
];
const LOGGED_OUT: &[Kind] = &[Anonymous, Disabled];
const LOGGED_IN: &[Kind] = &[Mute, NonMember, Member, GroupAdmin, Owner, Admin];
const EVERYONE: &[Kind] = &KINDS;
/// Members of the owner's groups.
const IN_GROUP: &[Kind] = &[Mute, Member, GroupAdmin, Owner];
/// Logged-in callers outside the owner's groups.
const NOT_IN_GROUP: &[Kind] = &[NonMember, Admin];
/// The group's owner and admin (also the two sides of the direct conversation).
const MANAGERS: &[Kind] = &[GroupAdmin, Owner];
/// Logged-in callers who do not manage the owner's groups.
const NOT_MANAGERS: &[Kind] = &[Mute, NonMember, Member, Admin];
/// Logged-in callers with the `create_group` and `speak` rights.
const ORDINARY: &[Kind] = &[NonMember, Member, GroupAdmin, Owner, Admin];
/// Logged-in callers other than the owner.
const NOT_OWNER: &[Kind] = &[Mute, NonMember, Member, GroupAdmin, Admin];
/// Logged-in callers other than the non-member (who owns the other group).
const NOT_NON_MEMBER: &[Kind] = &[Mute, Member, GroupAdmin, Owner, Admin];

impl Kind {
    /// The username of this kind's account.
    fn username(self) -> Option<&'static str> {
        match self {
            Anonymous => None,
            Disabled => Some("disabled"),
            Mute => Some("muted"),
            NonMember => Some("outsider"),
            Member => Some("member"),
            GroupAdmin => Some("gadmin"),
            Owner => Some("owner"),
            Admin => Some("siteadmin"),
        }
    }

    /// The account this caller logs in as: its own, or the non-member's for an anonymous one.
    fn login_name(self) -> &'static str {
        self.username().unwrap_or("outsider")
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Anonymous => "anonymous",
            Disabled => "disabled",
            Mute => "mute",
            NonMember => "non-member",
            Member => "member",
            GroupAdmin => "group-admin",
            Owner => "owner",
            Admin => "admin",
        })
    }
}

/// The answer a cell must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 200 with a value other than `null`; for the `/ws` handshake, the `ready` frame.
    Ok,
    /// 200 with `null`.
    Null,
    /// This status and `{"code": …}`.
    Err(u16, &'static str),
    /// 422 `validation` naming this field.
    Invalid(&'static str),
    /// A `resume` answered with the conversation's messages.
    Replayed,
    /// A `resume` whose cursor is ignored: nothing about that conversation before the `pong`
    /// of the ping sent after it.
    Ignored,
}

const OK: Expect = Expect::Ok;
const NULL: Expect = Expect::Null;
const UNAUTHENTICATED: Expect = Expect::Err(401, "unauthenticated");
const FORBIDDEN: Expect = Expect::Err(403, "forbidden");
const NOT_FOUND: Expect = Expect::Err(404, "not_found");
const BAD_REQUEST: Expect = Expect::Err(400, "bad_request");
const REPLAYED: Expect = Expect::Replayed;
const IGNORED: Expect = Expect::Ignored;

/// What a cell got.
#[derive(Debug)]
enum Got {
    /// An HTTP answer (or a refused handshake): status and JSON body.
    Http(u16, Value),
    /// The WebSocket opened and sent `ready`.
    Ready,
    /// The `resume` replayed the conversation.
    Replayed,
    /// The `resume` said nothing about the conversation.
    Ignored,
}

impl Expect {
    fn matches(self, got: &Got) -> bool {
        match (self, got) {
            (Expect::Ok, Got::Ready) => true,
            (Expect::Ok, Got::Http(200, v)) => !v.is_null(),
            (Expect::Null, Got::Http(200, v)) => v.is_null(),
            (Expect::Err(status, code), Got::Http(s, v)) => {
                *s == status && v.get("code") == Some(&json!(code))
            }
            (Expect::Invalid(field), Got::Http(422, v)) => {
                v.get("code") == Some(&json!("validation")) && v.get("field") == Some(&json!(field))
            }
            (Expect::Replayed, Got::Replayed) | (Expect::Ignored, Got::Ignored) => true,
            _ => false,
        }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Ok => f.write_str("200 (a value)"),
            Expect::Null => f.write_str("200 null"),
            Expect::Err(status, code) => write!(f, "{status} {code}"),
            Expect::Invalid(field) => write!(f, "422 validation of {field}"),
            Expect::Replayed => f.write_str("replayed"),
            Expect::Ignored => f.write_str("ignored"),
        }
    }
}

impl fmt::Display for Got {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Got::Http(status, body) => {
                let body = body.to_string();
                let cut: String = body.chars().take(160).collect();
                let more = if cut.len() < body.len() { "…" } else { "" };
                write!(f, "{status} {cut}{more}")
            }
            Got::Ready => f.write_str("ready"),
            Got::Replayed => f.write_str("replayed"),
            Got::Ignored => f.write_str("ignored"),
        }
    }
}

/// A request body: JSON, raw text that need not be JSON, or a multipart upload of one file.
#[derive(Debug, Clone)]
enum Body {
    Json(Value),
    Raw(&'static str),
    Upload(&'static [u8]),
}

impl From<Value> for Body {
    fn from(v: Value) -> Self {
        Body::Json(v)
    }
}

impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Json(v) => write!(f, "{v}"),
            Body::Raw(s) => f.write_str(s),
            Body::Upload(bytes) => write!(f, "multipart: a file of {} bytes", bytes.len()),
        }
    }
}

/// Picks an id out of the fixture.
type Pick = fn(&Fixture) -> i64;

/// Caller kinds and the answer each of them must get.
type Cell = (&'static [Kind], Expect);

/// Builds a cell's body from the fixture's ids and the caller.
type Build = Arc<dyn Fn(&Fixture, Kind) -> Body + Send + Sync>;

/// One cell: a function called by one kind of caller with one kind of arguments.
struct Row {
    /// The line the row was expanded from (its index in the table's order of lines).
    line: usize,
    endpoint: &'static str,
    args: String,
    caller: Kind,
    body: Build,
    expect: Expect,
}

/// The WebSocket handshake, as a row's endpoint.
const WS: &str = "/ws";
/// A `resume` frame on a fresh WebSocket, as a row's endpoint; the body names the conversation.
const WS_RESUME: &str = "/ws resume";
/// The arguments label of the lines sending a body that is not JSON.
const NOT_JSON: &str = "not JSON";

/// The ids used as missing objects: none exists, and the last two are no id at all.
const MISSING_IDS: [(&str, i64); 3] = [("999999", 999_999), ("-1", -1), ("i64::MAX", i64::MAX)];

#[derive(Default)]
struct Table {
    rows: Vec<Row>,
    lines: usize,
}

impl Table {
    /// One line: `endpoint` called with `body` by every kind of caller, each kind named in
    /// exactly one of `cells` with the answer it must get.
    fn line<B: Into<Body>>(
        &mut self,
        endpoint: &'static str,
        args: impl Into<String>,
        body: impl Fn(&Fixture, Kind) -> B + Send + Sync + 'static,
        cells: &[Cell],
    ) {
        let args = args.into();
        let body: Build = Arc::new(move |f, k| body(f, k).into());
        let line = self.lines;
        self.lines += 1;
        for kind in KINDS {
            let named: Vec<Expect> = cells
                .iter()
                .filter(|(kinds, _)| kinds.contains(&kind))
                .map(|(_, e)| *e)
                .collect();
            assert_eq!(
                named.len(),
                1,
                "{endpoint} [{args}]: the caller kind {kind} must be named exactly once"
            );
            self.rows.push(Row {
                line,
                endpoint,
                args: args.clone(),
                caller: kind,
                body: body.clone(),
                expect: named[0],
            });
        }
    }

    /// Three lines: `body` given each of [`MISSING_IDS`] as the `what` id.
    fn missing(
        &mut self,
        endpoint: &'static str,
        what: &str,
        body: fn(&Fixture, i64) -> Value,
        cells: &[Cell],
    ) {
        for (label, id) in MISSING_IDS {
            self.line(
                endpoint,
                format!("{what} id {label}"),
                move |f, _| body(f, id),
                cells,
            );
        }
    }
}

fn text(s: &str) -> Value {
    json!({"type": "text", "text": s})
}

/// Per function: a body whose arguments have the wrong types, and one missing a required
/// argument (`None` when it has no required argument).
const MALFORMED: &[(&str, &str, Option<&str>)] = &[
    // Not multipart at all: refused before the caller is looked at.
    ("upload_media", r#"{"file": 1}"#, None),
    ("set_avatar", r#"{"media_id": 5}"#, None),
    (
        "set_group_avatar",
        r#"{"group_id": "1", "media_id": null}"#,
        Some(r#"{"media_id": null}"#),
    ),
    (
        "sign_up",
        r#"{"username": 1, "password": true}"#,
        Some(r#"{"username": "someone"}"#),
    ),
    (
        "log_in",
        r#"{"username": ["owner"], "password": "correct horse battery"}"#,
        Some(r#"{"password": "correct horse battery"}"#),
    ),
    ("log_out", "42", None),
    ("current_user", "42", None),
    (
        "update_profile",
        r#"{"nickname": 5, "signature": ""}"#,
        Some(r#"{"nickname": "n"}"#),
    ),
    (
        "change_password",
        r#"{"current_password": null, "new_password": "a long new password"}"#,
        Some(r#"{"new_password": "a long new password"}"#),
    ),
    ("list_sessions", "42", None),
    ("revoke_session", r#"{"session_id": "1"}"#, Some("{}")),
    ("admin_list_users", r#"{"page": "one"}"#, None),
    ("admin_list_groups", r#"{"offset": "first"}"#, None),
    ("admin_get_group", r#"{"group_id": "1"}"#, Some("{}")),
    (
        "admin_set_group_status",
        r#"{"group_id": 1, "status": 3}"#,
        Some(r#"{"group_id": 1}"#),
    ),
    ("admin_dissolve_group", r#"{"group_id": [1]}"#, Some("{}")),
    (
        "admin_transfer_group",
        r#"{"group_id": 1, "user_id": "x"}"#,
        Some(r#"{"group_id": 1}"#),
    ),
    ("admin_list_messages", r#"{"before_id": "latest"}"#, None),
    (
        "report",
        r#"{"target_kind": "user", "target_id": "1", "reason": "spam"}"#,
        Some(r#"{"target_kind": "user", "reason": "spam"}"#),
    ),
    ("admin_list_reports", r#"{"limit": "all"}"#, None),
    ("admin_stats", r#"{"hours": "all"}"#, None),
    ("admin_announce", r#"{"text": 5}"#, Some("{}")),
    (
        "admin_resolve_report",
        r#"{"report_id": 1, "action": ["ban"]}"#,
        Some(r#"{"action": "ban"}"#),
    ),
    (
        "admin_delete_message",
        r#"{"message_id": true}"#,
        Some(r#"{"reason": "x"}"#),
    ),
    ("admin_list_roles", "[1]", None),
    ("admin_list_rights", "\"all\"", None),
    ("admin_get_user", r#"{"user_id": "1"}"#, Some("{}")),
    (
        "admin_create_user",
        r#"{"username": 1, "password": "x"}"#,
        Some(r#"{"username": "x"}"#),
    ),
    (
        "admin_set_user_roles",
        r#"{"user_id": 1, "roles": "user"}"#,
        Some(r#"{"user_id": 1}"#),
    ),
    (
        "admin_ban_user",
        r#"{"user_id": 1, "reason": 5}"#,
        Some(r#"{"user_id": 1}"#),
    ),
    ("admin_unban_user", r#"{"user_id": null}"#, Some("{}")),
    (
        "admin_mute_user",
        r#"{"user_id": 1, "until": "soon"}"#,
        Some("{}"),
    ),
    ("admin_unmute_user", r#"{"user_id": [1]}"#, Some("{}")),
    ("admin_reset_password", r#"{"user_id": 1.5}"#, Some("{}")),
    ("admin_revoke_sessions", r#"{"user_id": true}"#, Some("{}")),
    ("admin_audit_log", r#"{"limit": "ten"}"#, None),
    (
        "admin_create_role",
        r#"{"name": "r", "rights": "login"}"#,
        Some(r#"{"name": "r"}"#),
    ),
    (
        "admin_update_role",
        r#"{"role": 1, "rights": []}"#,
        Some(r#"{"role": "r"}"#),
    ),
    ("admin_delete_role", r#"{"role": ["r"]}"#, Some("{}")),
    ("admin_get_settings", "[1]", None),
    ("site_info", "[1]", None),
    ("admin_update_settings", r#"{"registration": false}"#, None),
    ("admin_create_invite_code", r#"{"max_uses": "ten"}"#, None),
    ("create_bot", r#"{"name": 7}"#, Some("{}")),
    ("list_bots", "[1]", None),
    ("regenerate_bot_token", r#"{"bot_id": "1"}"#, Some("{}")),
    ("delete_bot", r#"{"bot_id": [1]}"#, Some("{}")),
    ("open_bot_chat", r#"{"bot_id": null}"#, Some("{}")),
    (
        "set_bot_webhook",
        r#"{"bot_id": "1", "url": null}"#,
        Some("{}"),
    ),
    (
        "list_bot_webhook_deliveries",
        r#"{"bot_id": []}"#,
        Some(r#"{"limit": 5}"#),
    ),
    (
        "create_personal_token",
        r#"{"name": 1, "scopes": []}"#,
        Some(r#"{"name": "x"}"#),
    ),
    ("list_personal_tokens", "[1]", None),
    ("revoke_personal_token", r#"{"token_id": "1"}"#, Some("{}")),
    ("list_sign_in_methods", "[1]", None),
    ("unlink_sign_in", r#"{"provider": 1}"#, Some("{}")),
    (
        "create_incoming_webhook",
        r#"{"conversation_id": "1", "name": "x"}"#,
        Some(r#"{"name": "x"}"#),
    ),
    (
        "list_incoming_webhooks",
        r#"{"conversation_id": []}"#,
        Some("{}"),
    ),
    (
        "delete_incoming_webhook",
        r#"{"webhook_id": "1"}"#,
        Some("{}"),
    ),
    ("admin_list_invite_codes", r#"{"limit": "all"}"#, None),
    ("open_assistant_chat", "[1]", None),
    ("admin_list_assistant_answers", "[1]", None),
    (
        "admin_save_assistant_answer",
        r#"{"answer": 5}"#,
        Some(r#"{"question": "q"}"#),
    ),
    (
        "admin_delete_assistant_answer",
        r#"{"id": "1"}"#,
        Some("{}"),
    ),
    (
        "admin_revoke_invite_code",
        r#"{"invite_id": "1"}"#,
        Some("{}"),
    ),
    ("search_users", r#"{"query": 7}"#, Some("{}")),
    (
        "send_friend_request",
        r#"{"user_id": "7", "note": ""}"#,
        Some(r#"{"user_id": 7}"#),
    ),
    ("list_friend_requests", "42", None),
    (
        "respond_friend_request",
        r#"{"request_id": 1, "accept": "yes"}"#,
        Some(r#"{"request_id": 1}"#),
    ),
    ("list_friends", "42", None),
    ("remove_friend", r#"{"user_id": 1.5}"#, Some("{}")),
    (
        "set_remark",
        r#"{"user_id": 1, "remark": 1}"#,
        Some(r#"{"user_id": 1}"#),
    ),
    ("get_user", r#"{"user_id": "1"}"#, Some("{}")),
    ("list_blocked", "42", None),
    ("block_user", r#"{"user_id": true}"#, Some("{}")),
    ("unblock_user", r#"{"user_id": {}}"#, Some("{}")),
    ("list_conversations", "42", None),
    (
        "send_message",
        r#"{"conversation_id": 1, "client_msg_id": "x", "body": "hello"}"#,
        Some(r#"{"conversation_id": 1, "client_msg_id": "x"}"#),
    ),
    (
        "list_messages",
        r#"{"conversation_id": "1", "before_seq": null}"#,
        Some(r#"{"before_seq": null}"#),
    ),
    (
        "list_messages_around",
        r#"{"conversation_id": 1, "seq": "3"}"#,
        Some(r#"{"conversation_id": 1}"#),
    ),
    ("recall_message", r#"{"message_id": "1"}"#, Some("{}")),
    (
        "get_read_receipts",
        r#"{"conversation_id": "1"}"#,
        Some("{}"),
    ),
    (
        "list_message_readers",
        r#"{"message_id": null}"#,
        Some("{}"),
    ),
    ("set_typing", r#"{"conversation_id": [1]}"#, Some("{}")),
    ("get_presence", r#"{"user_ids": 1}"#, Some("{}")),
    (
        "set_presence_visibility",
        r#"{"visibility": "some"}"#,
        Some("{}"),
    ),
    ("search_messages", r#"{"query": 5}"#, Some("{}")),
    (
        "edit_message",
        r#"{"message_id": 1, "text": 5}"#,
        Some(r#"{"message_id": 1}"#),
    ),
    (
        "delete_message_for_me",
        r#"{"message_id": [1]}"#,
        Some("{}"),
    ),
    (
        "forward_messages",
        r#"{"message_ids": 1, "conversation_ids": [1]}"#,
        Some(r#"{"message_ids": [1]}"#),
    ),
    (
        "react_message",
        r#"{"message_id": 1, "emoji": "👍", "on": "yes"}"#,
        Some(r#"{"message_id": 1, "emoji": "👍"}"#),
    ),
    (
        "set_conversation_flags",
        r#"{"conversation_id": 1, "pinned": 1, "muted": false}"#,
        Some(r#"{"conversation_id": 1, "pinned": true}"#),
    ),
    (
        "mark_read",
        r#"{"conversation_id": 1, "seq": "0"}"#,
        Some(r#"{"conversation_id": 1}"#),
    ),
    (
        "create_group",
        r#"{"name": "x", "member_ids": 5}"#,
        Some(r#"{"name": "x"}"#),
    ),
    ("get_group", r#"{"group_id": "1"}"#, Some("{}")),
    ("search_groups", r#"{"query": null}"#, Some("{}")),
    (
        "invite_to_group",
        r#"{"group_id": 1, "user_ids": ["a"]}"#,
        Some(r#"{"group_id": 1}"#),
    ),
    (
        "request_join_group",
        r#"{"group_id": 1, "note": 3}"#,
        Some(r#"{"group_id": 1}"#),
    ),
    ("list_group_requests", r#"{"group_id": [1]}"#, Some("{}")),
    ("list_pending_group_requests", "null", None),
    (
        "respond_group_request",
        r#"{"request_id": 1, "accept": null}"#,
        Some(r#"{"accept": true}"#),
    ),
    (
        "remove_group_member",
        r#"{"group_id": 1, "user_id": "2"}"#,
        Some(r#"{"group_id": 1}"#),
    ),
    (
        "mute_group_member",
        r#"{"group_id": 1, "user_id": 2, "minutes": 1.5}"#,
        Some(r#"{"group_id": 1, "user_id": 2}"#),
    ),
    (
        "set_group_muted",
        r#"{"group_id": 1, "muted": "no"}"#,
        Some(r#"{"group_id": 1}"#),
    ),
    (
        "update_group",
        r#"{"group_id": 1, "name": "n", "introduction": "", "notice": 0}"#,
        Some(r#"{"group_id": 1, "name": "n"}"#),
    ),
    (
        "set_group_admin",
        r#"{"group_id": 1, "user_id": 2, "admin": "true"}"#,
        Some(r#"{"group_id": 1, "user_id": 2}"#),
    ),
    (
        "transfer_group",
        r#"{"group_id": 1, "user_id": -1.0}"#,
        Some(r#"{"group_id": 1}"#),
    ),
    ("dissolve_group", r#"{"group_id": "x"}"#, Some("{}")),
    ("list_group_directory", r#"{"offset": "0"}"#, None),
    (
        "set_group_listed",
        r#"{"group_id": 1, "listed": "yes"}"#,
        Some(r#"{"group_id": 1}"#),
    ),
    ("leave_group", r#"{"group_id": false}"#, Some("{}")),
    (
        "set_group_nickname",
        r#"{"group_id": 1, "nickname": 5}"#,
        Some(r#"{"group_id": 1}"#),
    ),
    ("get_friend_link", r#"{"reset": "yes"}"#, None),
    ("open_friend_link", r#"{"code": 12}"#, Some("{}")),
    (
        "create_group_invite",
        r#"{"group_id": 1, "max_uses": -1}"#,
        Some(r#"{"max_uses": 1}"#),
    ),
    ("list_group_invites", r#"{"group_id": []}"#, Some("{}")),
    ("revoke_group_invite", r#"{"invite_id": "1"}"#, Some("{}")),
    ("open_group_invite", r#"{"code": null}"#, Some("{}")),
    ("join_group_by_invite", r#"{"code": {}}"#, Some("{}")),
];

/// A request body built around one id.
type IdBody = fn(&Fixture, i64) -> Value;

/// The whole matrix, in the order it runs.
fn table() -> Vec<Row> {
    let mut t = Table::default();
    accounts_and_admin(&mut t);
    contacts(&mut t);
    messages(&mut t);
    groups(&mut t);
    admin_content(&mut t);
    media(&mut t);
    websocket(&mut t);
    endings(&mut t);
    malformed(&mut t);
    t.rows
}

fn accounts_and_admin(t: &mut Table) {
    let unauth = (LOGGED_OUT, UNAUTHENTICATED);
    t.line(
        "current_user",
        "none",
        |_, _| json!({}),
        &[(LOGGED_OUT, NULL), (LOGGED_IN, OK)],
    );
    t.line(
        "list_sessions",
        "none",
        |_, _| json!({}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "update_profile",
        "a nickname and signature",
        |_, _| json!({"nickname": "Matrix", "signature": "table-driven"}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "update_profile",
        "a nickname of 33 characters",
        |_, _| json!({"nickname": "n".repeat(33), "signature": ""}),
        &[unauth, (LOGGED_IN, Expect::Invalid("nickname"))],
    );
    t.line(
        "change_password",
        "a wrong current password",
        |_, _| json!({"current_password": "not the password", "new_password": PASSWORD}),
        &[unauth, (LOGGED_IN, Expect::Err(422, "wrong_password"))],
    );
    t.line(
        "change_password",
        "a new password too short",
        |_, _| json!({"current_password": PASSWORD, "new_password": "short"}),
        &[unauth, (LOGGED_IN, Expect::Invalid("new_password"))],
    );
    t.line(
        "revoke_session",
        "another user's session",
        |f, _| json!({"session_id": f.stranger_session}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.missing(
        "revoke_session",
        "session",
        |_, id| json!({"session_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.line(
        "sign_up",
        "a taken username",
        |_, _| json!({"username": "owner", "password": PASSWORD}),
        &[(EVERYONE, Expect::Err(409, "username_taken"))],
    );
    t.line(
        "sign_up",
        "a username too short",
        |_, _| json!({"username": "x", "password": PASSWORD}),
        &[(EVERYONE, Expect::Invalid("username"))],
    );
    t.line(
        "log_in",
        "the caller's own credentials",
        |_, k| json!({"username": k.login_name(), "password": PASSWORD}),
        &[
            (&[Anonymous], OK),
            (&[Disabled], Expect::Err(403, "account_disabled")),
            (LOGGED_IN, OK),
        ],
    );
    t.line(
        "log_in",
        "a wrong password",
        |_, k| json!({"username": k.login_name(), "password": "not the password"}),
        &[(EVERYONE, Expect::Err(401, "invalid_credentials"))],
    );
    t.line(
        "log_in",
        "an unknown username",
        |_, _| json!({"username": "nobody_here", "password": PASSWORD}),
        &[(EVERYONE, Expect::Err(401, "invalid_credentials"))],
    );

    let admin_only: &[Cell] = &[
        unauth,
        (&[Mute, NonMember, Member, GroupAdmin, Owner], FORBIDDEN),
        (&[Admin], OK),
    ];
    for endpoint in ["admin_list_users", "admin_list_roles", "admin_list_rights"] {
        t.line(endpoint, "none", |_, _| json!({}), admin_only);
    }
    t.line(
        "admin_list_users",
        "a query, per_page 0",
        |_, _| json!({"query": "o", "per_page": 0}),
        admin_only,
    );
    t.line(
        "admin_list_users",
        "page u32::MAX",
        |_, _| json!({"page": u32::MAX, "per_page": 100}),
        admin_only,
    );
    t.line(
        "admin_list_users",
        "page -1",
        |_, _| json!({"page": -1}),
        &[(EVERYONE, BAD_REQUEST)],
    );
    t.line(
        "admin_list_users",
        "page i64::MAX",
        |_, _| json!({"page": i64::MAX}),
        &[(EVERYONE, BAD_REQUEST)],
    );
    // Moderation: the administrator acts on a user kept for it; everyone else is refused
    // before anything is looked at.
    let admin_missing: &[Cell] = &[
        unauth,
        (&[Mute, NonMember, Member, GroupAdmin, Owner], FORBIDDEN),
        (&[Admin], NOT_FOUND),
    ];
    let moderation: [(&str, IdBody); 8] = [
        ("admin_get_user", |_, id| json!({"user_id": id})),
        ("admin_mute_user", |_, id| json!({"user_id": id})),
        ("admin_unmute_user", |_, id| json!({"user_id": id})),
        (
            "admin_ban_user",
            |_, id| json!({"user_id": id, "reason": "matrix"}),
        ),
        ("admin_unban_user", |_, id| json!({"user_id": id})),
        (
            "admin_set_user_roles",
            |_, id| json!({"user_id": id, "roles": ["user"]}),
        ),
        ("admin_revoke_sessions", |_, id| json!({"user_id": id})),
        ("admin_reset_password", |_, id| json!({"user_id": id})),
    ];
    for (endpoint, body) in moderation {
        t.line(
            endpoint,
            "the user kept for moderation",
            move |f, _| body(f, f.moderated),
            admin_only,
        );
        t.missing(endpoint, "user", body, admin_missing);
    }
    t.line(
        "admin_ban_user",
        "an end in the past",
        |f, _| json!({"user_id": f.moderated, "reason": "", "until": 1}),
        &[
            unauth,
            (&[Mute, NonMember, Member, GroupAdmin, Owner], FORBIDDEN),
            (&[Admin], Expect::Invalid("until")),
        ],
    );
    t.line(
        "admin_set_user_roles",
        "an unknown role",
        |f, _| json!({"user_id": f.moderated, "roles": ["no_such_role"]}),
        &[
            unauth,
            (&[Mute, NonMember, Member, GroupAdmin, Owner], FORBIDDEN),
            (&[Admin], Expect::Invalid("roles")),
        ],
    );
    t.line(
        "admin_create_user",
        "a new account",
        |_, _| json!({"username": "matrix_made", "password": "a-good-passphrase"}),
        admin_only,
    );
    t.line("admin_get_settings", "all", |_, _| json!({}), admin_only);
    t.line("site_info", "none", |_, _| json!({}), &[(EVERYONE, OK)]);
    t.line(
        "admin_update_settings",
        "registration stays open",
        |_, _| json!({"registration": "open"}),
        admin_only,
    );
    t.line(
        "admin_update_settings",
        "an unknown registration mode",
        |_, _| json!({"registration": "maybe"}),
        &[
            unauth,
            (&[Mute, NonMember, Member, GroupAdmin, Owner], FORBIDDEN),
            (&[Admin], Expect::Invalid("registration")),
        ],
    );
    t.line(
        "admin_create_role",
        "a new role",
        |_, _| json!({"name": "matrix_role", "rights": ["login"]}),
        admin_only,
    );
    t.line(
        "admin_update_role",
        "that role",
        |_, _| json!({"role": "matrix_role", "rights": ["login", "speak"]}),
        admin_only,
    );
    t.line(
        "admin_delete_role",
        "a built-in role",
        |_, _| json!({"role": "user"}),
        &[
            unauth,
            (
                &[Mute, NonMember, Member, GroupAdmin, Owner, Admin],
                FORBIDDEN,
            ),
        ],
    );
    t.line(
        "admin_delete_role",
        "that role",
        |_, _| json!({"role": "matrix_role"}),
        &[
            unauth,
            (&[Mute, NonMember, Member, GroupAdmin, Owner], FORBIDDEN),
            (&[Admin], NULL),
        ],
    );
    t.line(
        "admin_update_role",
        "a missing role",
        |_, _| json!({"role": "no_such_role", "rights": []}),
        &[
            unauth,
            (&[Mute, NonMember, Member, GroupAdmin, Owner], FORBIDDEN),
            (&[Admin], NOT_FOUND),
        ],
    );
    t.line(
        "admin_audit_log",
        "the newest",
        |_, _| json!({}),
        admin_only,
    );
    t.line(
        "admin_audit_log",
        "limit 0",
        |_, _| json!({"limit": 0}),
        &[
            unauth,
            (&[Mute, NonMember, Member, GroupAdmin, Owner], FORBIDDEN),
            (&[Admin], Expect::Invalid("limit")),
        ],
    );
}

/// The console's group and message functions: administrators only. Changes are made on
/// missing ids or leave things as they were (a hold set to what it is), so the lines after
/// these see the fixture unchanged.
fn admin_content(t: &mut Table) {
    let unauth = (LOGGED_OUT, UNAUTHENTICATED);
    let others: &[Kind] = &[Mute, NonMember, Member, GroupAdmin, Owner];
    let admin_only: &[Cell] = &[unauth, (others, FORBIDDEN), (&[Admin], OK)];
    let admin_missing: &[Cell] = &[unauth, (others, FORBIDDEN), (&[Admin], NOT_FOUND)];
    let admin_invalid = |field: &'static str| -> [Cell; 3] {
        [
            unauth,
            (others, FORBIDDEN),
            (&[Admin], Expect::Invalid(field)),
        ]
    };
    t.line("admin_list_groups", "none", |_, _| json!({}), admin_only);
    t.line(
        "admin_list_groups",
        "a name, a status, a page",
        |_, _| json!({"query": "g", "status": "active", "offset": 1, "limit": 5}),
        admin_only,
    );
    t.line(
        "admin_list_groups",
        "an unknown status",
        |_, _| json!({"status": "frozen"}),
        &admin_invalid("status"),
    );
    t.line(
        "admin_list_groups",
        "limit 0",
        |_, _| json!({"limit": 0}),
        &admin_invalid("limit"),
    );
    t.line(
        "admin_get_group",
        "the owner's group",
        |f, _| json!({"group_id": f.g.id}),
        admin_only,
    );
    t.missing(
        "admin_get_group",
        "group",
        |_, id| json!({"group_id": id}),
        admin_missing,
    );
    t.line(
        "admin_set_group_status",
        "the owner's group, active as it is",
        |f, _| json!({"group_id": f.g.id, "status": "active"}),
        admin_only,
    );
    t.line(
        "admin_set_group_status",
        "an unknown status",
        |f, _| json!({"group_id": f.g.id, "status": "gone"}),
        &admin_invalid("status"),
    );
    t.missing(
        "admin_set_group_status",
        "group",
        |_, id| json!({"group_id": id, "status": "disabled"}),
        admin_missing,
    );
    t.missing(
        "admin_dissolve_group",
        "group",
        |_, id| json!({"group_id": id}),
        admin_missing,
    );
    t.line(
        "admin_transfer_group",
        "to the stranger, not a member",
        |f, _| json!({"group_id": f.g.id, "user_id": f.stranger}),
        admin_missing,
    );
    t.missing(
        "admin_transfer_group",
        "group",
        |f, id| json!({"group_id": id, "user_id": f.stranger}),
        admin_missing,
    );
    t.line("admin_list_messages", "none", |_, _| json!({}), admin_only);
    t.line(
        "admin_list_messages",
        "the group's, with words",
        |f, _| json!({"conversation_id": f.g.conversation, "query": "hello", "limit": 10}),
        admin_only,
    );
    t.line(
        "admin_list_messages",
        "limit 201",
        |_, _| json!({"limit": 201}),
        &admin_invalid("limit"),
    );
    t.missing(
        "admin_delete_message",
        "message",
        |_, id| json!({"message_id": id, "reason": "matrix"}),
        admin_missing,
    );
    t.line(
        "admin_stats",
        "the default window",
        |_, _| json!({}),
        admin_only,
    );
    t.line(
        "admin_stats",
        "hours 0",
        |_, _| json!({"hours": 0}),
        &admin_invalid("hours"),
    );
    t.line(
        "admin_announce",
        "an empty text",
        |_, _| json!({"text": ""}),
        &admin_invalid("text"),
    );
    // Reports: anyone signed in reports the stranger once; the queue is the administrators'.
    t.line(
        "report",
        "the stranger",
        |f, _| json!({"target_kind": "user", "target_id": f.stranger, "reason": "spam"}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "report",
        "the stranger again, still open",
        |f, _| json!({"target_kind": "user", "target_id": f.stranger, "reason": "spam"}),
        &[unauth, (LOGGED_IN, Expect::Err(409, "request_pending"))],
    );
    t.line(
        "report",
        "the non-member's message in their own group",
        |f, _| json!({"target_kind": "message", "target_id": f.g_out_message, "reason": "other"}),
        &[
            unauth,
            (&[Mute, Member, GroupAdmin, Owner, Admin], NOT_FOUND),
            (&[NonMember], Expect::Invalid("target_id")),
        ],
    );
    t.missing(
        "report",
        "user",
        |_, id| json!({"target_kind": "user", "target_id": id, "reason": "spam"}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.line("admin_list_reports", "none", |_, _| json!({}), admin_only);
    t.line(
        "admin_list_reports",
        "open ones, limit 101",
        |_, _| json!({"status": "open", "limit": 101}),
        &admin_invalid("limit"),
    );
    t.missing(
        "admin_resolve_report",
        "report",
        |_, id| json!({"report_id": id, "action": "dismiss"}),
        admin_missing,
    );
    t.line(
        "admin_resolve_report",
        "an unknown action",
        |_, _| json!({"report_id": 1, "action": "shrug"}),
        &admin_invalid("action"),
    );
    // Invite codes: the administrators' alone.
    t.line(
        "admin_create_invite_code",
        "a code for five",
        |_, _| json!({"note": "matrix", "max_uses": 5}),
        admin_only,
    );
    t.line(
        "admin_create_invite_code",
        "a code for nobody",
        |_, _| json!({"max_uses": 0}),
        &admin_invalid("max_uses"),
    );
    t.line(
        "admin_list_invite_codes",
        "none",
        |_, _| json!({}),
        admin_only,
    );
    t.line(
        "admin_list_invite_codes",
        "limit 101",
        |_, _| json!({"limit": 101}),
        &admin_invalid("limit"),
    );
    t.missing(
        "admin_revoke_invite_code",
        "invite code",
        |_, id| json!({"invite_id": id}),
        admin_missing,
    );
    // The assistant: everyone chats with it; administrators keep its table.
    t.line(
        "open_assistant_chat",
        "none",
        |_, _| json!({}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "admin_list_assistant_answers",
        "none",
        |_, _| json!({}),
        admin_only,
    );
    t.line(
        "admin_save_assistant_answer",
        "an answer without keyword or question",
        |_, _| json!({"answer": "Yes."}),
        &admin_invalid("question"),
    );
    t.missing(
        "admin_save_assistant_answer",
        "entry",
        |_, id| json!({"id": id, "keywords": ["k"], "answer": "a"}),
        admin_missing,
    );
    t.missing(
        "admin_delete_assistant_answer",
        "entry",
        |_, id| json!({"id": id}),
        admin_missing,
    );
    // Bots: every user with `create_bot` may make one; each manages only their own.
    t.line(
        "create_bot",
        "a name too long",
        |_, _| json!({"name": "x".repeat(33)}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (
                &[NonMember, Member, GroupAdmin, Owner, Admin],
                Expect::Invalid("name"),
            ),
        ],
    );
    t.line(
        "list_bots",
        "none yet",
        |_, _| json!({}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.missing(
        "regenerate_bot_token",
        "bot",
        |_, id| json!({"bot_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.missing(
        "delete_bot",
        "bot",
        |_, id| json!({"bot_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.missing(
        "open_bot_chat",
        "bot",
        |_, id| json!({"bot_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.missing(
        "set_bot_webhook",
        "bot",
        |_, id| json!({"bot_id": id, "url": "http://127.0.0.1:9/hook"}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.line(
        "set_bot_webhook",
        "a person's id and an ftp URL",
        |f, _| json!({"bot_id": f.stranger, "url": "ftp://example.com/"}),
        &[unauth, (LOGGED_IN, Expect::Invalid("url"))],
    );
    t.line(
        "set_bot_webhook",
        "a person's id, removing",
        |f, _| json!({"bot_id": f.stranger, "url": null}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.missing(
        "list_bot_webhook_deliveries",
        "bot",
        |_, id| json!({"bot_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    // Personal access tokens: every signed-in person, for themselves.
    t.line(
        "create_personal_token",
        "a read token for a week",
        |_, _| json!({"name": "Matrix", "scopes": ["read"], "expires_in_days": 7}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "create_personal_token",
        "a name of 65 characters",
        |_, _| json!({"name": "n".repeat(65), "scopes": []}),
        &[unauth, (LOGGED_IN, Expect::Invalid("name"))],
    );
    t.line(
        "list_personal_tokens",
        "none",
        |_, _| json!({}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "list_sign_in_methods",
        "none",
        |_, _| json!({}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "unlink_sign_in",
        "a provider never linked",
        |_, _| json!({"provider": "github"}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.line(
        "revoke_personal_token",
        "another user's session",
        |f, _| json!({"token_id": f.stranger_session}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.missing(
        "revoke_personal_token",
        "token",
        |_, id| json!({"token_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.line(
        "open_bot_chat",
        "a person, not a bot",
        |f, _| json!({"bot_id": f.stranger}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    // Incoming webhooks: the group's owner and admins alone.
    t.line(
        "create_incoming_webhook",
        "a name too long, in the group",
        |f, _| json!({"conversation_id": f.g.conversation, "name": "x".repeat(33)}),
        &[
            unauth,
            (
                &[GroupAdmin, Owner, Mute, NonMember, Member, Admin],
                Expect::Invalid("name"),
            ),
        ],
    );
    t.line(
        "list_incoming_webhooks",
        "the group's",
        |f, _| json!({"conversation_id": f.g.conversation}),
        &[
            unauth,
            (&[GroupAdmin, Owner], OK),
            (&[Mute, Member, NonMember, Admin], FORBIDDEN),
        ],
    );
    t.missing(
        "list_incoming_webhooks",
        "conversation",
        |_, id| json!({"conversation_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.missing(
        "delete_incoming_webhook",
        "webhook",
        |_, id| json!({"webhook_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
}

fn contacts(t: &mut Table) {
    let unauth = (LOGGED_OUT, UNAUTHENTICATED);
    let in_all = |e: Expect| -> [Cell; 2] { [unauth, (LOGGED_IN, e)] };
    for endpoint in ["list_friends", "list_friend_requests", "list_blocked"] {
        t.line(endpoint, "none", |_, _| json!({}), &in_all(OK));
    }
    t.line(
        "search_users",
        "a query",
        |_, _| json!({"query": "o"}),
        &in_all(OK),
    );
    t.line(
        "get_friend_link",
        "the caller's",
        |_, _| json!({}),
        &in_all(OK),
    );
    t.line(
        "open_friend_link",
        "the owner's link",
        |f, _| json!({"code": f.friend_code}),
        &in_all(OK),
    );
    t.line(
        "open_friend_link",
        "an unknown code",
        |_, _| json!({"code": "NoSuchCode00"}),
        &in_all(NOT_FOUND),
    );
    t.line(
        "get_user",
        "the caller",
        |f, k| json!({"user_id": f.id(k)}),
        &in_all(OK),
    );
    t.line(
        "get_user",
        "a friend",
        |f, k| json!({"user_id": f.friend(k)}),
        &in_all(OK),
    );
    t.line(
        "get_user",
        "a stranger",
        |f, _| json!({"user_id": f.stranger}),
        &in_all(NOT_FOUND),
    );
    t.line(
        "get_user",
        "a member of the owner's groups",
        |f, _| json!({"user_id": f.victim1}),
        &[unauth, (IN_GROUP, OK), (NOT_IN_GROUP, NOT_FOUND)],
    );
    t.missing(
        "get_user",
        "user",
        |_, id| json!({"user_id": id}),
        &in_all(NOT_FOUND),
    );
    t.line(
        "search_users",
        "an empty query",
        |_, _| json!({"query": ""}),
        &in_all(Expect::Invalid("query")),
    );
    t.line(
        "search_users",
        "a query of 65 characters",
        |_, _| json!({"query": "q".repeat(65)}),
        &in_all(Expect::Invalid("query")),
    );

    t.line(
        "send_friend_request",
        "a stranger",
        |f, _| json!({"user_id": f.stranger, "note": "hi"}),
        &in_all(OK),
    );
    t.line(
        "send_friend_request",
        "the caller",
        |f, k| json!({"user_id": f.id(k), "note": ""}),
        &in_all(Expect::Err(422, "cannot_add_self")),
    );
    t.line(
        "send_friend_request",
        "a friend",
        |f, k| json!({"user_id": f.friend(k), "note": ""}),
        &in_all(Expect::Err(409, "already_friends")),
    );
    t.missing(
        "send_friend_request",
        "user",
        |_, id| json!({"user_id": id, "note": ""}),
        &in_all(NOT_FOUND),
    );

    t.line(
        "respond_friend_request",
        "a request to someone else",
        |f, _| json!({"request_id": f.request_elsewhere, "accept": true}),
        &in_all(NOT_FOUND),
    );
    t.missing(
        "respond_friend_request",
        "request",
        |_, id| json!({"request_id": id, "accept": true}),
        &in_all(NOT_FOUND),
    );
    t.line(
        "respond_friend_request",
        "a request to the caller (declined)",
        |f, k| json!({"request_id": f.request_to(k), "accept": false}),
        &in_all(OK),
    );
    t.line(
        "respond_friend_request",
        "a request to the caller already answered",
        |f, k| json!({"request_id": f.request_to(k), "accept": true}),
        &in_all(NOT_FOUND),
    );

    t.line(
        "set_remark",
        "a friend",
        |f, k| json!({"user_id": f.friend(k), "remark": "pal"}),
        &in_all(OK),
    );
    t.line(
        "set_remark",
        "a friend, a remark of 33 characters",
        |f, k| json!({"user_id": f.friend(k), "remark": "r".repeat(33)}),
        &in_all(Expect::Invalid("remark")),
    );
    t.line(
        "set_remark",
        "a stranger",
        |f, _| json!({"user_id": f.stranger, "remark": "x"}),
        &in_all(NOT_FOUND),
    );
    t.missing(
        "set_remark",
        "user",
        |_, id| json!({"user_id": id, "remark": "x"}),
        &in_all(NOT_FOUND),
    );

    t.line(
        "remove_friend",
        "a stranger",
        |f, _| json!({"user_id": f.stranger}),
        &in_all(NOT_FOUND),
    );
    t.line(
        "remove_friend",
        "the caller",
        |f, k| json!({"user_id": f.id(k)}),
        &in_all(NOT_FOUND),
    );
    t.missing(
        "remove_friend",
        "user",
        |_, id| json!({"user_id": id}),
        &in_all(NOT_FOUND),
    );
    t.line(
        "remove_friend",
        "a friend",
        |f, _| json!({"user_id": f.exfriend}),
        &in_all(NULL),
    );

    t.line(
        "block_user",
        "the caller",
        |f, k| json!({"user_id": f.id(k)}),
        &in_all(Expect::Err(422, "cannot_add_self")),
    );
    t.missing(
        "block_user",
        "user",
        |_, id| json!({"user_id": id}),
        &in_all(NOT_FOUND),
    );
    t.line(
        "block_user",
        "a user",
        |f, _| json!({"user_id": f.blockee}),
        &in_all(NULL),
    );
    t.line(
        "send_friend_request",
        "a user the caller blocked",
        |f, _| json!({"user_id": f.blockee, "note": ""}),
        &in_all(Expect::Err(403, "blocked")),
    );
    t.line(
        "unblock_user",
        "a blocked user",
        |f, _| json!({"user_id": f.blockee}),
        &in_all(NULL),
    );
    // API.md lists `not_found` and `cannot_add_self` for `block_user` / `unblock_user` alike.
    t.line(
        "unblock_user",
        "the caller",
        |f, k| json!({"user_id": f.id(k)}),
        &in_all(Expect::Err(422, "cannot_add_self")),
    );
    t.missing(
        "unblock_user",
        "user",
        |_, id| json!({"user_id": id}),
        &in_all(NOT_FOUND),
    );
}

fn messages(t: &mut Table) {
    let unauth = (LOGGED_OUT, UNAUTHENTICATED);
    t.line(
        "list_conversations",
        "none",
        |_, _| json!({}),
        &[unauth, (LOGGED_IN, OK)],
    );

    // send_message: the `speak` right first, then the arguments, then membership.
    let group_speakers: &[Cell] = &[
        unauth,
        (&[Mute, NonMember, Admin], FORBIDDEN),
        (&[Member, GroupAdmin, Owner], OK),
    ];
    t.line(
        "send_message",
        "the group's conversation",
        |f, k| json!({"conversation_id": f.g.conversation, "client_msg_id": format!("g-{k}"), "body": text("hello")}),
        group_speakers,
    );
    t.line(
        "send_message",
        "the group's conversation, the same client_msg_id again",
        |f, k| json!({"conversation_id": f.g.conversation, "client_msg_id": format!("g-{k}"), "body": text("hello")}),
        group_speakers,
    );
    t.line(
        "send_message",
        "the direct conversation of the owner and the group admin",
        |f, k| json!({"conversation_id": f.direct, "client_msg_id": format!("d-{k}"), "body": text("hi")}),
        &[
            unauth,
            (NOT_MANAGERS, FORBIDDEN),
            (MANAGERS, OK),
        ],
    );
    t.line(
        "send_message",
        "the non-member's group's conversation",
        |f, k| json!({"conversation_id": f.g_out.conversation, "client_msg_id": format!("o-{k}"), "body": text("hi")}),
        &[
            unauth,
            (&[NonMember], OK),
            (NOT_NON_MEMBER, FORBIDDEN),
        ],
    );
    t.missing(
        "send_message",
        "conversation",
        |_, id| json!({"conversation_id": id, "client_msg_id": format!("m{id}"), "body": text("hi")}),
        &[unauth, (LOGGED_IN, FORBIDDEN)],
    );
    t.line(
        "send_message",
        "a system notice",
        |f, k| json!({"conversation_id": f.g.conversation, "client_msg_id": format!("n-{k}"), "body": {"type": "system", "notice": {"kind": "dissolved", "by": 1}}}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (ORDINARY, Expect::Invalid("body")),
        ],
    );
    t.line(
        "send_message",
        "an empty client_msg_id",
        |f, _| json!({"conversation_id": f.g.conversation, "client_msg_id": "", "body": text("hi")}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (ORDINARY, Expect::Invalid("client_msg_id")),
        ],
    );
    t.line(
        "send_message",
        "an unknown body type",
        |f, k| json!({"conversation_id": f.g.conversation, "client_msg_id": format!("u-{k}"), "body": {"type": "image", "url": "x"}}),
        &[(EVERYONE, BAD_REQUEST)],
    );

    // Reading and the caller's own flags: members only; a missing conversation is no
    // different from someone else's.
    // (conversation, its members, the other logged-in callers)
    let conversations: [(&str, Pick, &[Kind], &[Kind]); 3] = [
        (
            "the group's conversation",
            |f| f.g.conversation,
            IN_GROUP,
            NOT_IN_GROUP,
        ),
        (
            "the direct conversation of the owner and the group admin",
            |f| f.direct,
            MANAGERS,
            NOT_MANAGERS,
        ),
        (
            "the non-member's group's conversation",
            |f| f.g_out.conversation,
            &[NonMember],
            NOT_NON_MEMBER,
        ),
    ];
    for (label, conversation, members, others) in conversations {
        let with = |e: Expect| [unauth, (members, e), (others, FORBIDDEN)];
        t.line(
            "list_messages",
            label,
            move |f, _| json!({"conversation_id": conversation(f), "before_seq": null}),
            &with(OK),
        );
        t.line(
            "set_conversation_flags",
            label,
            move |f, _| json!({"conversation_id": conversation(f), "pinned": false, "muted": false}),
            &with(NULL),
        );
        t.line(
            "mark_read",
            label,
            move |f, _| json!({"conversation_id": conversation(f), "seq": 0}),
            &with(NULL),
        );
        t.line(
            "list_messages_around",
            label,
            move |f, _| json!({"conversation_id": conversation(f), "seq": 1}),
            &with(OK),
        );
        t.line(
            "get_read_receipts",
            label,
            move |f, _| json!({"conversation_id": conversation(f)}),
            &with(OK),
        );
    }
    let everywhere_forbidden: &[Cell] = &[unauth, (LOGGED_IN, FORBIDDEN)];
    t.missing(
        "list_messages",
        "conversation",
        |_, id| json!({"conversation_id": id, "before_seq": null}),
        everywhere_forbidden,
    );
    t.missing(
        "set_conversation_flags",
        "conversation",
        |_, id| json!({"conversation_id": id, "pinned": true, "muted": true}),
        everywhere_forbidden,
    );
    t.missing(
        "mark_read",
        "conversation",
        |_, id| json!({"conversation_id": id, "seq": 1}),
        everywhere_forbidden,
    );
    let members_read: &[Cell] = &[unauth, (IN_GROUP, OK), (NOT_IN_GROUP, FORBIDDEN)];
    t.line(
        "list_messages",
        "before_seq i64::MAX",
        |f, _| json!({"conversation_id": f.g.conversation, "before_seq": i64::MAX}),
        members_read,
    );
    t.line(
        "list_messages",
        "before_seq -1",
        |f, _| json!({"conversation_id": f.g.conversation, "before_seq": -1, "limit": 100}),
        members_read,
    );
    t.line(
        "list_messages",
        "limit 0",
        |f, _| json!({"conversation_id": f.g.conversation, "before_seq": null, "limit": 0}),
        &[unauth, (LOGGED_IN, Expect::Invalid("limit"))],
    );
    t.line(
        "list_messages",
        "limit 101",
        |f, _| json!({"conversation_id": f.g.conversation, "before_seq": null, "limit": 101}),
        &[unauth, (LOGGED_IN, Expect::Invalid("limit"))],
    );
    t.line(
        "list_messages",
        "limit -1",
        |f, _| json!({"conversation_id": f.g.conversation, "before_seq": null, "limit": -1}),
        &[(EVERYONE, BAD_REQUEST)],
    );
    t.line(
        "mark_read",
        "seq i64::MAX",
        |f, _| json!({"conversation_id": f.g.conversation, "seq": i64::MAX}),
        &[unauth, (IN_GROUP, NULL), (NOT_IN_GROUP, FORBIDDEN)],
    );
    t.line(
        "mark_read",
        "seq -1",
        |f, _| json!({"conversation_id": f.g.conversation, "seq": -1}),
        &[unauth, (LOGGED_IN, Expect::Invalid("seq"))],
    );
    message_actions(t);
}

/// Replies, reactions, edits, forwards, "delete for me" and recalls, each on a message the
/// caller may or may not see; the recalls come last (they empty the messages).
fn message_actions(t: &mut Table) {
    let unauth = (LOGGED_OUT, UNAUTHENTICATED);
    let everywhere_forbidden: &[Cell] = &[unauth, (LOGGED_IN, FORBIDDEN)];
    t.missing(
        "list_messages_around",
        "conversation",
        |_, id| json!({"conversation_id": id, "seq": 1}),
        everywhere_forbidden,
    );
    t.line(
        "list_messages_around",
        "seq 0",
        |f, _| json!({"conversation_id": f.g.conversation, "seq": 0}),
        &[unauth, (LOGGED_IN, Expect::Invalid("seq"))],
    );
    t.line(
        "list_messages_around",
        "limit 101",
        |f, _| json!({"conversation_id": f.g.conversation, "seq": 1, "limit": 101}),
        &[unauth, (LOGGED_IN, Expect::Invalid("limit"))],
    );
    t.line(
        "send_message",
        "a reply to the owner's message in the group",
        |f, k| json!({"conversation_id": f.g.conversation, "client_msg_id": format!("r-{k}"), "body": text("re"), "reply_to": f.g_message}),
        &[
            unauth,
            (&[Mute, NonMember, Admin], FORBIDDEN),
            (&[Member, GroupAdmin, Owner], OK),
        ],
    );
    t.line(
        "send_message",
        "a reply quoting another conversation's message",
        |f, k| json!({"conversation_id": f.g.conversation, "client_msg_id": format!("rx-{k}"), "body": text("re"), "reply_to": f.g_out_message}),
        &[
            unauth,
            (&[Mute, NonMember, Admin], FORBIDDEN),
            (&[Member, GroupAdmin, Owner], Expect::Invalid("reply_to")),
        ],
    );
    // Reactions, edits and forwards need the `speak` right, then a visible message.
    let speakers_in_group: &[Cell] = &[
        unauth,
        (&[Mute], FORBIDDEN),
        (NOT_IN_GROUP, NOT_FOUND),
        (&[Member, GroupAdmin, Owner], OK),
    ];
    let speakers_missing: &[Cell] = &[unauth, (&[Mute], FORBIDDEN), (ORDINARY, NOT_FOUND)];
    t.line(
        "react_message",
        "the owner's message in the group",
        |f, _| json!({"message_id": f.g_message, "emoji": "👍", "on": true}),
        speakers_in_group,
    );
    t.line(
        "react_message",
        "an emoji not offered",
        |f, _| json!({"message_id": f.g_message, "emoji": "x", "on": true}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (ORDINARY, Expect::Invalid("emoji")),
        ],
    );
    t.missing(
        "react_message",
        "message",
        |_, id| json!({"message_id": id, "emoji": "👍", "on": true}),
        speakers_missing,
    );
    t.line(
        "edit_message",
        "the owner's message in the group",
        |f, _| json!({"message_id": f.g_message, "text": "edited"}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (NOT_IN_GROUP, NOT_FOUND),
            (&[Member, GroupAdmin], FORBIDDEN),
            (&[Owner], OK),
        ],
    );
    t.line(
        "edit_message",
        "the caller's own message in the group",
        |f, k| json!({"message_id": f.own_message(k), "text": "edited"}),
        speakers_in_group,
    );
    t.line(
        "edit_message",
        "an empty text",
        |f, k| json!({"message_id": f.own_message(k), "text": " "}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (ORDINARY, Expect::Invalid("text")),
        ],
    );
    t.missing(
        "edit_message",
        "message",
        |_, id| json!({"message_id": id, "text": "x"}),
        speakers_missing,
    );
    t.line(
        "forward_messages",
        "the owner's message into the group",
        |f, _| json!({"message_ids": [f.g_message], "conversation_ids": [f.g.conversation]}),
        speakers_in_group,
    );
    t.line(
        "forward_messages",
        "the owner's message into the group, merged",
        |f, _| json!({"message_ids": [f.g_message], "conversation_ids": [f.g.conversation], "merged": true}),
        speakers_in_group,
    );
    t.line(
        "forward_messages",
        "the owner's message into the non-member's group",
        |f, _| json!({"message_ids": [f.g_message], "conversation_ids": [f.g_out.conversation]}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (NOT_IN_GROUP, NOT_FOUND),
            (&[Member, GroupAdmin, Owner], FORBIDDEN),
        ],
    );
    t.line(
        "forward_messages",
        "no messages",
        |f, _| json!({"message_ids": [], "conversation_ids": [f.g.conversation]}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (ORDINARY, Expect::Invalid("message_ids")),
        ],
    );
    t.line(
        "forward_messages",
        "ten conversations",
        |f, _| json!({"message_ids": [f.g_message], "conversation_ids": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (ORDINARY, Expect::Invalid("conversation_ids")),
        ],
    );
    t.missing(
        "forward_messages",
        "message",
        |f, id| json!({"message_ids": [id], "conversation_ids": [f.g.conversation]}),
        speakers_missing,
    );
    t.line(
        "delete_message_for_me",
        "the non-member's message in their group",
        |f, _| json!({"message_id": f.g_out_message}),
        &[unauth, (&[NonMember], NULL), (NOT_NON_MEMBER, NOT_FOUND)],
    );
    t.missing(
        "delete_message_for_me",
        "message",
        |_, id| json!({"message_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.missing(
        "get_read_receipts",
        "conversation",
        |_, id| json!({"conversation_id": id}),
        everywhere_forbidden,
    );
    t.line(
        "list_message_readers",
        "the caller's own message in the group",
        |f, k| json!({"message_id": f.own_message(k)}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (NOT_IN_GROUP, NOT_FOUND),
            (&[Member, GroupAdmin, Owner], OK),
        ],
    );
    t.missing(
        "list_message_readers",
        "message",
        |_, id| json!({"message_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.line(
        "set_typing",
        "the direct conversation of the owner and the group admin",
        |f, _| json!({"conversation_id": f.direct}),
        &[unauth, (MANAGERS, NULL), (NOT_MANAGERS, FORBIDDEN)],
    );
    t.line(
        "set_typing",
        "the group's conversation (groups show no typing)",
        |f, _| json!({"conversation_id": f.g.conversation}),
        everywhere_forbidden,
    );
    t.missing(
        "set_typing",
        "conversation",
        |_, id| json!({"conversation_id": id}),
        everywhere_forbidden,
    );
    t.line(
        "send_message",
        "a mention of the member",
        |f, k| json!({"conversation_id": f.g.conversation, "client_msg_id": format!("at-{k}"), "body": text("@m hi"), "mentions": [{"user_id": f.id(Member), "start": 0, "len": 2}]}),
        &[
            unauth,
            (&[Mute, NonMember, Admin], FORBIDDEN),
            (&[Member, GroupAdmin, Owner], OK),
        ],
    );
    t.line(
        "send_message",
        "a mention of everyone",
        |f, k| json!({"conversation_id": f.g.conversation, "client_msg_id": format!("all-{k}"), "body": text("@all hi"), "mentions": [{"user_id": null, "start": 0, "len": 4}]}),
        &[
            unauth,
            (&[Mute, NonMember, Admin, Member], FORBIDDEN),
            (&[GroupAdmin, Owner], OK),
        ],
    );
    t.line(
        "send_message",
        "a mention beyond the text",
        |f, k| json!({"conversation_id": f.g.conversation, "client_msg_id": format!("atx-{k}"), "body": text("@m"), "mentions": [{"user_id": f.id(Member), "start": 0, "len": 3}]}),
        &[
            unauth,
            (&[Mute, NonMember, Admin], FORBIDDEN),
            (&[Member, GroupAdmin, Owner], Expect::Invalid("mentions")),
        ],
    );
    t.line(
        "search_messages",
        "everything of the caller's",
        |_, _| json!({"query": "setup"}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "search_messages",
        "in the group's conversation",
        |f, _| json!({"query": "setup", "conversation_id": f.g.conversation}),
        &[unauth, (IN_GROUP, OK), (NOT_IN_GROUP, FORBIDDEN)],
    );
    t.missing(
        "search_messages",
        "conversation",
        |_, id| json!({"query": "x", "conversation_id": id}),
        everywhere_forbidden,
    );
    t.line(
        "search_messages",
        "an empty query",
        |_, _| json!({"query": ""}),
        &[unauth, (LOGGED_IN, Expect::Invalid("query"))],
    );
    t.line(
        "get_presence",
        "the caller's friend",
        |f, k| json!({"user_ids": [f.friend(k)]}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "get_presence",
        "51 users",
        |_, _| json!({"user_ids": (1..=51).collect::<Vec<i64>>()}),
        &[unauth, (LOGGED_IN, Expect::Invalid("user_ids"))],
    );
    t.line(
        "set_presence_visibility",
        "friends",
        |_, _| json!({"visibility": "friends"}),
        &[unauth, (LOGGED_IN, OK)],
    );
    // Recalls: anyone's own message in time; the owner also anyone else's.
    t.line(
        "recall_message",
        "the caller's own message in the group",
        |f, k| json!({"message_id": f.own_message(k)}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (NOT_IN_GROUP, NOT_FOUND),
            (&[Member, GroupAdmin, Owner], OK),
        ],
    );
    t.line(
        "recall_message",
        "the owner's message in the group",
        |f, _| json!({"message_id": f.g_message}),
        &[
            unauth,
            (&[Mute, Member, GroupAdmin], FORBIDDEN),
            (NOT_IN_GROUP, NOT_FOUND),
            (&[Owner], OK),
        ],
    );
    t.missing(
        "recall_message",
        "message",
        |_, id| json!({"message_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
}

fn groups(t: &mut Table) {
    let unauth = (LOGGED_OUT, UNAUTHENTICATED);
    let no_group: &[Cell] = &[unauth, (LOGGED_IN, NOT_FOUND)];
    let managers: &[Cell] = &[unauth, (MANAGERS, OK), (NOT_MANAGERS, FORBIDDEN)];
    let owner_only: &[Cell] = &[unauth, (&[Owner], OK), (NOT_OWNER, FORBIDDEN)];
    // The directory: anyone signed in reads it; only the owner lists a group.
    t.line(
        "set_group_listed",
        "the owner's group",
        |f, _| json!({"group_id": f.g.id, "listed": true}),
        owner_only,
    );
    t.missing(
        "set_group_listed",
        "group",
        |_, id| json!({"group_id": id, "listed": true}),
        no_group,
    );
    t.line(
        "list_group_directory",
        "the first page",
        |_, _| json!({}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "list_group_directory",
        "an offset past 10,000",
        |_, _| json!({"offset": 10001}),
        &[unauth, (LOGGED_IN, Expect::Invalid("offset"))],
    );
    // Invite links: managers make, list and revoke them; anyone signed in opens one.
    let link_expired = Expect::Err(410, "link_expired");
    t.line(
        "create_group_invite",
        "the group, for a day and ten joins",
        |f, _| json!({"group_id": f.g.id, "expires_in_hours": 24, "max_uses": 10}),
        managers,
    );
    t.line(
        "create_group_invite",
        "31 days",
        |f, _| json!({"group_id": f.g.id, "expires_in_hours": 744}),
        &[unauth, (LOGGED_IN, Expect::Invalid("expires_in_hours"))],
    );
    t.missing(
        "create_group_invite",
        "group",
        |_, id| json!({"group_id": id}),
        no_group,
    );
    t.line(
        "list_group_invites",
        "the group's",
        |f, _| json!({"group_id": f.g.id}),
        managers,
    );
    t.missing(
        "list_group_invites",
        "group",
        |_, id| json!({"group_id": id}),
        no_group,
    );
    t.line(
        "revoke_group_invite",
        "an invite of the group",
        |f, _| json!({"invite_id": f.dead_invite}),
        &[unauth, (MANAGERS, NULL), (NOT_MANAGERS, NOT_FOUND)],
    );
    t.missing(
        "revoke_group_invite",
        "invite",
        |_, id| json!({"invite_id": id}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.line(
        "open_group_invite",
        "a live link",
        |f, _| json!({"code": f.invite_code}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "open_group_invite",
        "a revoked link",
        |f, _| json!({"code": f.dead_invite_code}),
        &[unauth, (LOGGED_IN, link_expired)],
    );
    t.line(
        "open_group_invite",
        "an unknown code",
        |_, _| json!({"code": "NoSuchCode00"}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    // Members get their group back without using the link; a revoked one lets nobody else in.
    t.line(
        "join_group_by_invite",
        "a revoked link",
        |f, _| json!({"code": f.dead_invite_code}),
        &[unauth, (IN_GROUP, OK), (NOT_IN_GROUP, link_expired)],
    );
    t.line(
        "join_group_by_invite",
        "something that is no code",
        |_, _| json!({"code": "../../etc"}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
    t.line(
        "set_group_nickname",
        "the group",
        |f, k| json!({"group_id": f.g.id, "nickname": format!("alias of {k}")}),
        &[unauth, (IN_GROUP, OK), (NOT_IN_GROUP, FORBIDDEN)],
    );
    t.line(
        "set_group_nickname",
        "33 characters",
        |f, _| json!({"group_id": f.g.id, "nickname": "n".repeat(33)}),
        &[unauth, (LOGGED_IN, Expect::Invalid("nickname"))],
    );
    t.missing(
        "set_group_nickname",
        "group",
        |_, id| json!({"group_id": id, "nickname": "x"}),
        no_group,
    );
    let own_group_only: &[Cell] = &[unauth, (&[NonMember], OK), (NOT_NON_MEMBER, FORBIDDEN)];

    // create_group: the right, the rate limit, the name, then the members (friends only).
    t.line(
        "create_group",
        "no members",
        |_, _| json!({"name": "matrix made", "member_ids": []}),
        &[unauth, (&[Mute], FORBIDDEN), (ORDINARY, OK)],
    );
    t.line(
        "create_group",
        "a member who is not the caller's friend",
        |f, _| json!({"name": "matrix made", "member_ids": [f.stranger]}),
        &[unauth, (&[Mute], FORBIDDEN), (ORDINARY, NOT_FOUND)],
    );
    t.missing(
        "create_group",
        "member",
        |_, id| json!({"name": "matrix made", "member_ids": [id]}),
        &[unauth, (&[Mute], FORBIDDEN), (ORDINARY, NOT_FOUND)],
    );
    t.line(
        "create_group",
        "an empty name",
        |_, _| json!({"name": " ", "member_ids": []}),
        &[
            unauth,
            (&[Mute], FORBIDDEN),
            (ORDINARY, Expect::Invalid("name")),
        ],
    );

    t.line(
        "get_group",
        "the group",
        |f, _| json!({"group_id": f.g.id}),
        &[unauth, (IN_GROUP, OK), (NOT_IN_GROUP, FORBIDDEN)],
    );
    t.line(
        "get_group",
        "the non-member's group",
        |f, _| json!({"group_id": f.g_out.id}),
        own_group_only,
    );
    t.missing(
        "get_group",
        "group",
        |_, id| json!({"group_id": id}),
        no_group,
    );
    t.line(
        "search_groups",
        "a query",
        |_, _| json!({"query": "matrix"}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        "search_groups",
        "an empty query",
        |_, _| json!({"query": ""}),
        &[unauth, (LOGGED_IN, Expect::Invalid("query"))],
    );
    t.line(
        "list_pending_group_requests",
        "none",
        |_, _| json!({}),
        &[unauth, (LOGGED_IN, OK)],
    );

    // Managing: owner and admins of a live group; a missing group is `not_found`, someone
    // else's `forbidden`.
    t.line(
        "invite_to_group",
        "nobody",
        |f, _| json!({"group_id": f.g.id, "user_ids": []}),
        managers,
    );
    t.line(
        "invite_to_group",
        "a friend already in the group",
        |f, k| json!({"group_id": f.g.id, "user_ids": [f.friend(k)]}),
        managers,
    );
    // The caller's place in the group is checked before the invitees (friends of the
    // caller): someone who may not invite learns nothing from the list.
    t.line(
        "invite_to_group",
        "a user who is not the caller's friend",
        |f, _| json!({"group_id": f.g.id, "user_ids": [f.stranger]}),
        &[unauth, (MANAGERS, NOT_FOUND), (NOT_MANAGERS, FORBIDDEN)],
    );
    t.missing(
        "invite_to_group",
        "invitee",
        |f, id| json!({"group_id": f.g.id, "user_ids": [id]}),
        &[unauth, (MANAGERS, NOT_FOUND), (NOT_MANAGERS, FORBIDDEN)],
    );
    t.missing(
        "invite_to_group",
        "group",
        |_, id| json!({"group_id": id, "user_ids": []}),
        no_group,
    );
    t.line(
        "invite_to_group",
        "the non-member's group",
        |f, _| json!({"group_id": f.g_out.id, "user_ids": []}),
        own_group_only,
    );

    t.line(
        "request_join_group",
        "the group",
        |f, _| json!({"group_id": f.g.id, "note": "let me in"}),
        &[
            unauth,
            (IN_GROUP, Expect::Err(409, "already_member")),
            (NOT_IN_GROUP, OK),
        ],
    );
    t.line(
        "request_join_group",
        "the group again",
        |f, _| json!({"group_id": f.g.id, "note": ""}),
        &[
            unauth,
            (IN_GROUP, Expect::Err(409, "already_member")),
            (NOT_IN_GROUP, Expect::Err(409, "request_pending")),
        ],
    );
    t.line(
        "request_join_group",
        "the non-member's group",
        |f, _| json!({"group_id": f.g_out.id, "note": ""}),
        &[
            unauth,
            (&[NonMember], Expect::Err(409, "already_member")),
            (NOT_NON_MEMBER, OK),
        ],
    );
    t.missing(
        "request_join_group",
        "group",
        |_, id| json!({"group_id": id, "note": ""}),
        no_group,
    );

    t.line(
        "list_group_requests",
        "the group",
        |f, _| json!({"group_id": f.g.id}),
        managers,
    );
    t.line(
        "list_group_requests",
        "the non-member's group",
        |f, _| json!({"group_id": f.g_out.id}),
        own_group_only,
    );
    t.missing(
        "list_group_requests",
        "group",
        |_, id| json!({"group_id": id}),
        no_group,
    );

    // The group admin answers the second request, the owner the first.
    t.line(
        "respond_group_request",
        "a pending request to the group (accepted)",
        |f, k| {
            let id = if k == GroupAdmin {
                f.join_request2
            } else {
                f.join_request
            };
            json!({"request_id": id, "accept": true})
        },
        managers,
    );
    t.line(
        "respond_group_request",
        "a request to the group already answered",
        |f, _| json!({"request_id": f.join_request, "accept": true}),
        &[unauth, (MANAGERS, NOT_FOUND), (NOT_MANAGERS, FORBIDDEN)],
    );
    t.line(
        "respond_group_request",
        "a pending request to the non-member's group (declined)",
        |f, _| json!({"request_id": f.join_request_out, "accept": false}),
        own_group_only,
    );
    t.missing(
        "respond_group_request",
        "request",
        |_, id| json!({"request_id": id, "accept": true}),
        no_group,
    );

    let in_g_only: &[Cell] = &[unauth, (MANAGERS, NOT_FOUND), (NOT_MANAGERS, FORBIDDEN)];
    t.line(
        "remove_group_member",
        "the owner",
        |f, _| json!({"group_id": f.g.id, "user_id": f.id(Owner)}),
        &[unauth, (LOGGED_IN, FORBIDDEN)],
    );
    t.line(
        "remove_group_member",
        "a user not in the group",
        |f, _| json!({"group_id": f.g.id, "user_id": f.stranger}),
        in_g_only,
    );
    t.missing(
        "remove_group_member",
        "user",
        |f, id| json!({"group_id": f.g.id, "user_id": id}),
        in_g_only,
    );
    t.missing(
        "remove_group_member",
        "group",
        |f, id| json!({"group_id": id, "user_id": f.id(Member)}),
        no_group,
    );
    t.line(
        "remove_group_member",
        "a plain member",
        |f, k| {
            let victim = if k == GroupAdmin {
                f.victim2
            } else {
                f.victim1
            };
            json!({"group_id": f.g.id, "user_id": victim})
        },
        managers,
    );

    t.line(
        "mute_group_member",
        "a plain member, 0 minutes",
        |f, _| json!({"group_id": f.g.id, "user_id": f.id(Member), "minutes": 0}),
        managers,
    );
    t.line(
        "mute_group_member",
        "the owner, 0 minutes",
        |f, _| json!({"group_id": f.g.id, "user_id": f.id(Owner), "minutes": 0}),
        &[unauth, (LOGGED_IN, FORBIDDEN)],
    );
    t.line(
        "mute_group_member",
        "43201 minutes",
        |f, _| json!({"group_id": f.g.id, "user_id": f.id(Member), "minutes": 43_201}),
        &[unauth, (LOGGED_IN, Expect::Invalid("minutes"))],
    );
    t.line(
        "mute_group_member",
        "-1 minutes",
        |f, _| json!({"group_id": f.g.id, "user_id": f.id(Member), "minutes": -1}),
        &[(EVERYONE, BAD_REQUEST)],
    );
    t.missing(
        "mute_group_member",
        "user",
        |f, id| json!({"group_id": f.g.id, "user_id": id, "minutes": 0}),
        in_g_only,
    );
    t.missing(
        "mute_group_member",
        "group",
        |f, id| json!({"group_id": id, "user_id": f.id(Member), "minutes": 0}),
        no_group,
    );

    t.line(
        "set_group_muted",
        "the group, unmuted",
        |f, _| json!({"group_id": f.g.id, "muted": false}),
        managers,
    );
    t.missing(
        "set_group_muted",
        "group",
        |_, id| json!({"group_id": id, "muted": true}),
        no_group,
    );
    t.line(
        "update_group",
        "the group",
        |f, _| json!({"group_id": f.g.id, "name": "matrix group", "introduction": "", "notice": ""}),
        managers,
    );
    t.line(
        "update_group",
        "an empty name",
        |f, _| json!({"group_id": f.g.id, "name": "", "introduction": "", "notice": ""}),
        &[unauth, (LOGGED_IN, Expect::Invalid("name"))],
    );
    t.missing(
        "update_group",
        "group",
        |_, id| json!({"group_id": id, "name": "x", "introduction": "", "notice": ""}),
        no_group,
    );

    t.line(
        "set_group_admin",
        "a plain member, not admin",
        |f, _| json!({"group_id": f.g.id, "user_id": f.id(Member), "admin": false}),
        owner_only,
    );
    t.line(
        "set_group_admin",
        "the owner",
        |f, _| json!({"group_id": f.g.id, "user_id": f.id(Owner), "admin": true}),
        &[unauth, (LOGGED_IN, FORBIDDEN)],
    );
    let owner_not_found: &[Cell] = &[unauth, (&[Owner], NOT_FOUND), (NOT_OWNER, FORBIDDEN)];
    t.line(
        "set_group_admin",
        "a user not in the group",
        |f, _| json!({"group_id": f.g.id, "user_id": f.stranger, "admin": true}),
        owner_not_found,
    );
    t.missing(
        "set_group_admin",
        "user",
        |f, id| json!({"group_id": f.g.id, "user_id": id, "admin": true}),
        owner_not_found,
    );
    t.missing(
        "set_group_admin",
        "group",
        |f, id| json!({"group_id": id, "user_id": f.id(Member), "admin": true}),
        no_group,
    );

    // transfer_group on the third group (the mute user is not in it). Handing a group to
    // oneself is refused as an argument error before the group is looked at (API.md does not
    // order the checks; this answer tells nothing about the group).
    t.line(
        "transfer_group",
        "the caller",
        |f, k| json!({"group_id": f.g3.id, "user_id": f.id(k)}),
        &[unauth, (LOGGED_IN, Expect::Invalid("user_id"))],
    );
    t.line(
        "transfer_group",
        "a user not in the group",
        |f, _| json!({"group_id": f.g3.id, "user_id": f.stranger}),
        owner_not_found,
    );
    t.missing(
        "transfer_group",
        "user",
        |f, id| json!({"group_id": f.g3.id, "user_id": id}),
        owner_not_found,
    );
    t.missing(
        "transfer_group",
        "group",
        |f, id| json!({"group_id": id, "user_id": f.victim1}),
        no_group,
    );
    t.line(
        "transfer_group",
        "a plain member",
        |f, _| json!({"group_id": f.g3.id, "user_id": f.victim1}),
        owner_only,
    );

    t.missing(
        "dissolve_group",
        "group",
        |_, id| json!({"group_id": id}),
        no_group,
    );
    // leave_group on the second group: members leave, its owner may not.
    t.line(
        "leave_group",
        "a live group",
        |f, _| json!({"group_id": f.g2.id}),
        &[
            unauth,
            (&[Mute, Member, GroupAdmin], NULL),
            (&[NonMember, Owner, Admin], FORBIDDEN),
        ],
    );
    t.missing(
        "leave_group",
        "group",
        |_, id| json!({"group_id": id}),
        no_group,
    );
}

fn websocket(t: &mut Table) {
    let unauth = (LOGGED_OUT, UNAUTHENTICATED);
    t.line(
        WS,
        "handshake",
        |_, _| json!({}),
        &[unauth, (LOGGED_IN, OK)],
    );
    t.line(
        WS_RESUME,
        "the group's conversation",
        |f, _| json!({"conversation_id": f.g.conversation}),
        &[unauth, (IN_GROUP, REPLAYED), (NOT_IN_GROUP, IGNORED)],
    );
    t.line(
        WS_RESUME,
        "the direct conversation of the owner and the group admin",
        |f, _| json!({"conversation_id": f.direct}),
        &[unauth, (MANAGERS, REPLAYED), (NOT_MANAGERS, IGNORED)],
    );
    t.line(
        WS_RESUME,
        "the non-member's group's conversation",
        |f, _| json!({"conversation_id": f.g_out.conversation}),
        &[unauth, (&[NonMember], REPLAYED), (NOT_NON_MEMBER, IGNORED)],
    );
    t.missing(
        WS_RESUME,
        "conversation",
        |_, id| json!({"conversation_id": id}),
        &[unauth, (LOGGED_IN, IGNORED)],
    );
}

/// The lines that end things: the group dissolved, the second session revoked, the password
/// changed, a new account signed up on the caller's device, the device logged out.
fn endings(t: &mut Table) {
    let unauth = (LOGGED_OUT, UNAUTHENTICATED);
    t.line(
        "dissolve_group",
        "the group",
        |f, _| json!({"group_id": f.g.id}),
        &[unauth, (&[Owner], OK), (NOT_OWNER, FORBIDDEN)],
    );
    t.line(
        "get_group",
        "the dissolved group",
        |f, _| json!({"group_id": f.g.id}),
        &[unauth, (IN_GROUP, OK), (NOT_IN_GROUP, FORBIDDEN)],
    );
    t.line(
        "send_message",
        "the dissolved group's conversation",
        |f, k| json!({"conversation_id": f.g.conversation, "client_msg_id": format!("x-{k}"), "body": text("anyone?")}),
        &[
            unauth,
            (&[Mute, NonMember, Admin], FORBIDDEN),
            (&[Member, GroupAdmin, Owner], Expect::Err(403, "muted")),
        ],
    );
    t.line(
        "update_group",
        "the dissolved group",
        |f, _| json!({"group_id": f.g.id, "name": "matrix group", "introduction": "", "notice": ""}),
        &[unauth, (LOGGED_IN, FORBIDDEN)],
    );
    t.line(
        "request_join_group",
        "the dissolved group",
        |f, _| json!({"group_id": f.g.id, "note": ""}),
        no_group_cells(),
    );
    t.line(
        "leave_group",
        "the dissolved group",
        |f, _| json!({"group_id": f.g.id}),
        &[unauth, (IN_GROUP, NULL), (NOT_IN_GROUP, FORBIDDEN)],
    );
    t.line(
        "revoke_session",
        "the caller's other session",
        |f, k| json!({"session_id": f.other_session(k)}),
        &[unauth, (LOGGED_IN, NULL)],
    );
    t.line(
        "change_password",
        "the right current password",
        |_, _| json!({"current_password": PASSWORD, "new_password": PASSWORD}),
        &[unauth, (LOGGED_IN, NULL)],
    );
    t.line(
        "sign_up",
        "a new username",
        |_, k| json!({"username": format!("fresh-{k}"), "password": PASSWORD}),
        &[(EVERYONE, OK)],
    );
    t.line("log_out", "none", |_, _| json!({}), &[(EVERYONE, NULL)]);
}

fn no_group_cells() -> &'static [Cell] {
    &[(LOGGED_OUT, UNAUTHENTICATED), (LOGGED_IN, NOT_FOUND)]
}

/// Uploads and avatars.
fn media(t: &mut Table) {
    let unauth = (LOGGED_OUT, UNAUTHENTICATED);
    t.line(
        "upload_media",
        "a file",
        |_, _| Body::Upload(b"a file the matrix uploads"),
        &[unauth, (&[Mute], FORBIDDEN), (ORDINARY, OK)],
    );
    t.line(
        "set_avatar",
        "none",
        |_, _| json!({"media_id": null}),
        &[unauth, (LOGGED_IN, NULL)],
    );
    t.line(
        "set_avatar",
        "an id that is nobody's upload",
        |_, _| json!({"media_id": "AAAAAAAAAAAAAAAAAAAAAA"}),
        &[unauth, (LOGGED_IN, Expect::Invalid("media_id"))],
    );
    t.line(
        "set_group_avatar",
        "none",
        |f, _| json!({"group_id": f.g.id, "media_id": null}),
        &[
            unauth,
            (MANAGERS, NULL),
            (&[Mute, Member, NonMember, Admin], FORBIDDEN),
        ],
    );
    t.line(
        "set_group_avatar",
        "an id that is nobody's upload",
        |f, _| json!({"group_id": f.g.id, "media_id": "AAAAAAAAAAAAAAAAAAAAAA"}),
        &[unauth, (LOGGED_IN, Expect::Invalid("media_id"))],
    );
    t.missing(
        "set_group_avatar",
        "group",
        |_, id| json!({"group_id": id, "media_id": null}),
        &[unauth, (LOGGED_IN, NOT_FOUND)],
    );
}

/// Bodies that cannot be decoded: `bad_request` for every caller, before anything else.
fn malformed(t: &mut Table) {
    for &(endpoint, wrong_types, missing) in MALFORMED {
        t.line(
            endpoint,
            NOT_JSON,
            |_, _| Body::Raw("{not json"),
            &[(EVERYONE, BAD_REQUEST)],
        );
        t.line(
            endpoint,
            "arguments of the wrong types",
            move |_, _| Body::Raw(wrong_types),
            &[(EVERYONE, BAD_REQUEST)],
        );
        if let Some(missing) = missing {
            t.line(
                endpoint,
                "a required argument missing",
                move |_, _| Body::Raw(missing),
                &[(EVERYONE, BAD_REQUEST)],
            );
        }
    }
}

/// A group and its conversation.
#[derive(Debug, Clone, Copy)]
struct Group {
    id: i64,
    conversation: i64,
}

impl Group {
    fn of(v: &Value) -> Self {
        Self {
            id: v["id"].as_i64().unwrap(),
            conversation: v["conversation_id"].as_i64().unwrap(),
        }
    }
}

/// One device: its own cookie jar.
#[derive(Clone)]
struct Device {
    http: reqwest::Client,
    jar: Arc<Jar>,
}

impl Device {
    fn new() -> Self {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self { http, jar }
    }

    /// A device holding the session `token`.
    fn with_token(base: &str, token: &str) -> Self {
        let device = Self::new();
        device.jar.add_cookie_str(
            &format!("parley_session={token}; Path=/"),
            &base.parse().unwrap(),
        );
        device
    }

    fn cookie(&self, base: &str) -> Option<String> {
        self.jar
            .cookies(&base.parse().unwrap())
            .map(|v| v.to_str().unwrap().to_owned())
    }
}

/// Everything the table's ids point at, built once per backend.
struct Fixture {
    base: String,
    /// A client without cookies: every anonymous call.
    anon: reqwest::Client,
    devices: BTreeMap<Kind, Device>,
    users: BTreeMap<Kind, i64>,
    /// A friend of each logged-in caller.
    friends: BTreeMap<Kind, i64>,
    /// A pending friend request to each logged-in caller.
    requests_to: BTreeMap<Kind, i64>,
    /// A second session of each logged-in caller.
    other_sessions: BTreeMap<Kind, i64>,
    /// A user nobody is related to.
    stranger: i64,
    stranger_session: i64,
    /// A friend request from one helper to the stranger.
    request_elsewhere: i64,
    /// A friend of every logged-in caller, removed by each.
    exfriend: i64,
    /// Blocked and unblocked by each logged-in caller.
    blockee: i64,
    /// Plain members of the group, removed by the owner and by the admin.
    victim1: i64,
    victim2: i64,
    /// The owner's group: the group admin, the member, the mute user and the victims.
    g: Group,
    /// The owner's second group (admin, member, mute user): left.
    g2: Group,
    /// The owner's third group (admin, member, the first victim): handed to the first victim.
    g3: Group,
    /// The non-member's own group.
    g_out: Group,
    /// The direct conversation of the owner and the group admin.
    direct: i64,
    /// The owner's message in the group.
    g_message: i64,
    /// The non-member's message in their own group.
    g_out_message: i64,
    /// A message of the member, the group admin and the owner in the group.
    own_messages: BTreeMap<Kind, i64>,
    /// Pending requests to join the group, and the non-member's group.
    join_request: i64,
    join_request2: i64,
    join_request_out: i64,
    /// A live invite link of the group, made by the owner.
    invite_code: String,
    /// An invite link of the group that the owner revoked: its id and code.
    dead_invite: i64,
    dead_invite_code: String,
    /// The owner's add-friend link code.
    friend_code: String,
    /// A user the administrator mutes, bans and resets.
    moderated: i64,
}

impl Fixture {
    fn id(&self, k: Kind) -> i64 {
        self.users.get(&k).copied().unwrap_or(self.stranger)
    }

    fn friend(&self, k: Kind) -> i64 {
        self.friends.get(&k).copied().unwrap_or(self.stranger)
    }

    fn request_to(&self, k: Kind) -> i64 {
        self.requests_to
            .get(&k)
            .copied()
            .unwrap_or(self.request_elsewhere)
    }

    fn other_session(&self, k: Kind) -> i64 {
        self.other_sessions
            .get(&k)
            .copied()
            .unwrap_or(self.stranger_session)
    }

    /// The caller's own message in the group, or the owner's for callers without one.
    fn own_message(&self, k: Kind) -> i64 {
        self.own_messages.get(&k).copied().unwrap_or(self.g_message)
    }

    fn client(&self, k: Kind) -> &reqwest::Client {
        match self.devices.get(&k) {
            Some(d) => &d.http,
            None => &self.anon,
        }
    }
}

/// `POST /api/<name>`: the status and the JSON answer (a string when it is not JSON).
async fn post(http: &reqwest::Client, base: &str, name: &str, body: &Body) -> (u16, Value) {
    let request = http.post(format!("{base}/api/{name}"));
    let request = match body {
        Body::Upload(bytes) => {
            let part = reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name("matrix.txt")
                .mime_str("text/plain")
                .unwrap();
            request.multipart(reqwest::multipart::Form::new().part("file", part))
        }
        _ => request
            .header("content-type", "application/json")
            .body(body.to_string()),
    };
    let res = request.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// A setup call that must succeed.
async fn ok(base: &str, device: &Device, name: &str, body: Value) -> Value {
    let (status, value) = post(&device.http, base, name, &body.into()).await;
    assert_eq!(status, 200, "setup: {name} answered {value}");
    value
}

/// A new session of `user` made directly in the database: its id and token.
async fn new_session(server: &TestServer, user: i64) -> (i64, String) {
    let (token, hash) = server::auth::token::new_token();
    let id = server::repo::sessions::create(
        &server.db,
        UserId(user),
        &hash,
        "matrix",
        None,
        server::time::now_ms(),
    )
    .await
    .unwrap();
    (id.0, token)
}

/// A new account with `role` and a device logged in as it.
async fn account(server: &TestServer, hash: &str, name: &str, role: &str) -> (i64, Device) {
    let id =
        server::repo::users::create(&server.db, name, hash, name, role, server::time::now_ms())
            .await
            .unwrap();
    let (_, token) = new_session(server, id.0).await;
    (id.0, Device::with_token(&server.base, &token))
}

/// `from` asks `to` to be friends; the request's id.
async fn ask(base: &str, from: &Device, to: i64) -> i64 {
    ok(
        base,
        from,
        "send_friend_request",
        json!({"user_id": to, "note": ""}),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

/// `from` and `to` become friends.
async fn befriend(base: &str, from: &Device, to: (i64, &Device)) {
    let request = ask(base, from, to.0).await;
    ok(
        base,
        to.1,
        "respond_friend_request",
        json!({"request_id": request, "accept": true}),
    )
    .await;
}

async fn fixture(server: &TestServer) -> Fixture {
    let base = server.base.clone();
    let base = base.as_str();
    // One password hash for every account (hashing is slow by design).
    let hash = server::auth::password::hash(PASSWORD.into()).await.unwrap();
    let mut users = BTreeMap::new();
    let mut devices = BTreeMap::new();
    for kind in LOGGED_IN.iter().copied() {
        let role = match kind {
            Mute => shared::rights::ROLE_MUTE,
            Admin => shared::rights::ROLE_ADMIN,
            _ => shared::rights::ROLE_USER,
        };
        let (id, device) = account(server, &hash, kind.username().unwrap(), role).await;
        users.insert(kind, id);
        devices.insert(kind, device);
    }
    let (stranger, _) = account(server, &hash, "stranger", "user").await;
    let (blockee, _) = account(server, &hash, "blockee", "user").await;
    let victim1 = account(server, &hash, "victim1", "user").await;
    let victim2 = account(server, &hash, "victim2", "user").await;
    let (_, pal) = account(server, &hash, "pal", "user").await;
    let (exfriend, exfriend_device) = account(server, &hash, "exfriend", "user").await;
    let (_, fan) = account(server, &hash, "fan", "user").await;
    let (_, joiner) = account(server, &hash, "joiner", "user").await;
    let (_, joiner2) = account(server, &hash, "joiner2", "user").await;
    let (moderated, _) = account(server, &hash, "moderated", "user").await;
    let me = |k: Kind| (users[&k], &devices[&k]);

    // Friends: the owner with the group's people, the pal with the non-member and the admin,
    // the exfriend with everyone.
    let owner = &devices[&Owner];
    for k in [GroupAdmin, Member, Mute] {
        befriend(base, owner, me(k)).await;
    }
    befriend(base, owner, (victim1.0, &victim1.1)).await;
    befriend(base, owner, (victim2.0, &victim2.1)).await;
    befriend(base, &pal, me(NonMember)).await;
    befriend(base, &pal, me(Admin)).await;
    let pal_id = ok(base, &pal, "current_user", json!({})).await["id"]
        .as_i64()
        .unwrap();
    for k in LOGGED_IN.iter().copied() {
        befriend(base, &exfriend_device, me(k)).await;
    }
    let friends: BTreeMap<Kind, i64> = [
        (Mute, users[&Owner]),
        (NonMember, pal_id),
        (Member, users[&Owner]),
        (GroupAdmin, users[&Owner]),
        (Owner, users[&Member]),
        (Admin, pal_id),
    ]
    .into_iter()
    .collect();
    let owner_friends = ok(base, owner, "list_friends", json!({})).await;
    let direct = owner_friends
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["user_id"].as_i64() == Some(users[&GroupAdmin]))
        .unwrap()["conversation_id"]
        .as_i64()
        .unwrap();

    // Groups.
    let new_group = |name: &'static str, members: Vec<i64>| {
        let owner = owner.clone();
        let admin = users[&GroupAdmin];
        async move {
            let g = Group::of(
                &ok(
                    base,
                    &owner,
                    "create_group",
                    json!({"name": name, "member_ids": members}),
                )
                .await,
            );
            ok(
                base,
                &owner,
                "set_group_admin",
                json!({"group_id": g.id, "user_id": admin, "admin": true}),
            )
            .await;
            g
        }
    };
    let g = new_group(
        "matrix group",
        vec![
            users[&GroupAdmin],
            users[&Member],
            users[&Mute],
            victim1.0,
            victim2.0,
        ],
    )
    .await;
    let g2 = new_group(
        "matrix second",
        vec![users[&GroupAdmin], users[&Member], users[&Mute]],
    )
    .await;
    let g3 = new_group(
        "matrix third",
        vec![users[&GroupAdmin], users[&Member], victim1.0],
    )
    .await;
    let g_out = Group::of(
        &ok(
            base,
            &devices[&NonMember],
            "create_group",
            json!({"name": "outsider's own", "member_ids": []}),
        )
        .await,
    );
    let mut setup_messages = Vec::new();
    for (device, conversation) in [
        (owner, g.conversation),
        (owner, direct),
        (&devices[&NonMember], g_out.conversation),
    ] {
        let sent = ok(
            base,
            device,
            "send_message",
            json!({"conversation_id": conversation, "client_msg_id": format!("setup-{conversation}"), "body": text("setup")}),
        )
        .await;
        setup_messages.push(sent["id"].as_i64().unwrap());
    }
    // Each kind's own message in the group (those who may speak there).
    let mut own_messages = BTreeMap::new();
    for k in [Member, GroupAdmin, Owner] {
        let sent = ok(
            base,
            &devices[&k],
            "send_message",
            json!({"conversation_id": g.conversation, "client_msg_id": format!("own-{k}"), "body": text("mine")}),
        )
        .await;
        own_messages.insert(k, sent["id"].as_i64().unwrap());
    }

    // Requests waiting for an answer.
    let request_elsewhere = ask(base, &joiner, stranger).await;
    let mut requests_to = BTreeMap::new();
    for k in LOGGED_IN.iter().copied() {
        requests_to.insert(k, ask(base, &fan, users[&k]).await);
    }
    let join = |device: &Device, group: i64| {
        let device = device.clone();
        async move {
            ok(
                base,
                &device,
                "request_join_group",
                json!({"group_id": group, "note": ""}),
            )
            .await["id"]
                .as_i64()
                .unwrap()
        }
    };
    let join_request = join(&joiner, g.id).await;
    let join_request2 = join(&joiner2, g.id).await;
    let join_request_out = join(&joiner, g_out.id).await;

    // Invite links of the group (one live, one revoked) and the owner's add-friend link.
    let owner_device = &devices[&Owner];
    let invite = |device: &Device| {
        let device = device.clone();
        let group = g.id;
        async move {
            ok(
                base,
                &device,
                "create_group_invite",
                json!({"group_id": group}),
            )
            .await
        }
    };
    let live = invite(owner_device).await;
    let invite_code = live["code"].as_str().unwrap().to_owned();
    let dead = invite(owner_device).await;
    let dead_invite = dead["id"].as_i64().unwrap();
    let dead_invite_code = dead["code"].as_str().unwrap().to_owned();
    assert!(
        ok(
            base,
            owner_device,
            "revoke_group_invite",
            json!({"invite_id": dead_invite})
        )
        .await
        .is_null()
    );
    let friend_code = ok(base, owner_device, "get_friend_link", json!({})).await["code"]
        .as_str()
        .unwrap()
        .to_owned();

    // Second sessions.
    let (stranger_session, _) = new_session(server, stranger).await;
    let mut other_sessions = BTreeMap::new();
    for k in LOGGED_IN.iter().copied() {
        other_sessions.insert(k, new_session(server, users[&k]).await.0);
    }

    // The disabled user: logged in while a user, then disabled.
    let disabled_id = server::repo::users::create(
        &server.db,
        "disabled",
        &hash,
        "disabled",
        shared::rights::ROLE_USER,
        server::time::now_ms(),
    )
    .await
    .unwrap();
    let disabled = Device::new();
    ok(
        base,
        &disabled,
        "log_in",
        json!({"username": "disabled", "password": PASSWORD}),
    )
    .await;
    assert!(
        !ok(base, &disabled, "current_user", json!({}))
            .await
            .is_null()
    );
    assert!(
        server::api::admin::set_only_role(
            &server.state,
            disabled_id,
            shared::rights::ROLE_DISABLED
        )
        .await
        .unwrap()
    );
    assert!(
        ok(base, &disabled, "current_user", json!({}))
            .await
            .is_null()
    );
    users.insert(Disabled, disabled_id.0);
    devices.insert(Disabled, disabled);

    Fixture {
        base: base.to_owned(),
        anon: reqwest::Client::new(),
        devices,
        users,
        friends,
        requests_to,
        other_sessions,
        stranger,
        stranger_session,
        request_elsewhere,
        exfriend,
        blockee,
        victim1: victim1.0,
        victim2: victim2.0,
        g,
        g2,
        g3,
        g_out,
        direct,
        join_request,
        join_request2,
        join_request_out,
        invite_code,
        dead_invite,
        dead_invite_code,
        friend_code,
        moderated,
        g_message: setup_messages[0],
        g_out_message: setup_messages[2],
        own_messages,
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next event within 5 s; `None` when the connection closed.
async fn next_event(ws: &mut Socket) -> Option<ServerEvent> {
    loop {
        let next = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("no WebSocket frame within 5 s");
        match next {
            Some(Ok(tungstenite::Message::Text(t))) => {
                return Some(serde_json::from_str(t.as_str()).unwrap());
            }
            Some(Ok(tungstenite::Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

/// Opens the caller's WebSocket and waits for `ready`; the refused handshake's status and body.
async fn open_ws(f: &Fixture, k: Kind) -> Result<Socket, Got> {
    let url = format!("{}/ws", f.base.replacen("http", "ws", 1));
    let mut request = url.into_client_request().unwrap();
    if let Some(cookie) = f.devices.get(&k).and_then(|d| d.cookie(&f.base)) {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
    }
    // No Nagle delay: a resume and the ping after it leave at once.
    match tokio_tungstenite::connect_async_with_config(request, None, true).await {
        Ok((mut ws, _)) => match next_event(&mut ws).await {
            Some(ServerEvent::Ready { .. }) => Ok(ws),
            other => Err(Got::Http(101, json!(format!("first frame {other:?}")))),
        },
        Err(tungstenite::Error::Http(res)) => {
            let body = res
                .body()
                .as_deref()
                .and_then(|b| serde_json::from_slice(b).ok())
                .unwrap_or(Value::Null);
            Err(Got::Http(res.status().as_u16(), body))
        }
        Err(e) => Err(Got::Http(0, json!(e.to_string()))),
    }
}

/// Sends a `resume` naming `conversation` (from seq 0) and a ping, and reads up to the pong.
async fn resume(mut ws: Socket, conversation: i64) -> Got {
    let frames = [
        json!({"type": "resume", "cursors": [{"conversation_id": conversation, "seq": 0}]}),
        json!({"type": "ping", "nonce": 7}),
    ];
    for frame in frames {
        ws.send(tungstenite::Message::Text(frame.to_string().into()))
            .await
            .unwrap();
    }
    let mut replayed = false;
    loop {
        match next_event(&mut ws).await {
            Some(ServerEvent::Pong { nonce: 7 }) => break,
            Some(ServerEvent::Message { message }) => {
                replayed |= message.conversation_id.0 == conversation;
            }
            Some(ServerEvent::Resumed {
                conversation_id, ..
            })
            | Some(ServerEvent::Resync {
                conversation_id: Some(conversation_id),
            }) => replayed |= conversation_id.0 == conversation,
            Some(_) => {}
            None => return Got::Http(0, json!("the connection closed before the pong")),
        }
    }
    let _ = ws.close(None).await;
    if replayed {
        Got::Replayed
    } else {
        Got::Ignored
    }
}

async fn run(f: &Fixture, row: &Row, body: &Body) -> Got {
    match row.endpoint {
        WS => match open_ws(f, row.caller).await {
            Ok(mut ws) => {
                let _ = ws.close(None).await;
                Got::Ready
            }
            Err(got) => got,
        },
        WS_RESUME => match open_ws(f, row.caller).await {
            Ok(ws) => {
                let Body::Json(v) = body else {
                    unreachable!("resume rows carry JSON")
                };
                resume(ws, v["conversation_id"].as_i64().unwrap()).await
            }
            Err(got) => got,
        },
        name => {
            let (status, value) = post(f.client(row.caller), &f.base, name, body).await;
            Got::Http(status, value)
        }
    }
}

async fn every_cell_of_the_matrix_answers_as_documented(server: TestServer) {
    let started = std::time::Instant::now();
    let f = fixture(&server).await;
    let built = started.elapsed();
    let rows = table();
    let mut wrong = Vec::new();
    // Lines run one after the other; the cells of one line (each caller acting on its own
    // behalf) run together.
    for line in rows.chunk_by(|a, b| a.line == b.line) {
        let cells = line.iter().map(|row| {
            let f = &f;
            async move {
                let body = (row.body)(f, row.caller);
                let got = run(f, row, &body).await;
                (row, body, got)
            }
        });
        for (row, body, got) in futures_util::future::join_all(cells).await {
            if !row.expect.matches(&got) {
                wrong.push(format!(
                    "{} [{}] as {}: expected {}, got {}\n    body: {}",
                    row.endpoint, row.args, row.caller, row.expect, got, body
                ));
            }
        }
    }
    eprintln!(
        "matrix: {} cells ({} lines) in {:?} (fixture {:?}); {} wrong",
        rows.len(),
        rows.last().map_or(0, |r| r.line + 1),
        started.elapsed(),
        built,
        wrong.len()
    );
    assert!(
        wrong.is_empty(),
        "{} of {} cells answered otherwise than documented:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

/// The server functions declared in shared/src/api (`endpoint = "…"`), as `/api/…` paths.
fn declared_endpoints() -> BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/src/api");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for piece in source.split("endpoint = \"").skip(1) {
            let name = piece.split('"').next().unwrap();
            out.insert(format!("/api/{name}"));
        }
    }
    out
}

#[test]
fn the_matrix_covers_every_server_function() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let declared = declared_endpoints();
    assert!(!registered.is_empty(), "no server function is registered");
    assert_eq!(
        registered, declared,
        "the registered server functions differ from the `endpoint = …` in shared/src/api"
    );
    let rows = table();
    let called: BTreeSet<String> = rows
        .iter()
        .filter(|r| !r.endpoint.starts_with('/'))
        .map(|r| format!("/api/{}", r.endpoint))
        .collect();
    let missing: Vec<&String> = registered.difference(&called).collect();
    let unknown: Vec<&String> = called.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "server functions missing from the matrix: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "the matrix calls functions that do not exist: {unknown:?}"
    );
    // Each function is also called with a body that is not JSON, and with a line other than
    // the malformed ones.
    for path in &registered {
        let name = path.trim_start_matches("/api/");
        let lines: BTreeSet<&str> = rows
            .iter()
            .filter(|r| r.endpoint == name)
            .map(|r| r.args.as_str())
            .collect();
        assert!(lines.contains(NOT_JSON), "{name} has no {NOT_JSON} line");
        assert!(
            lines
                .iter()
                .any(|a| *a != NOT_JSON && !MALFORMED_LABELS.contains(a)),
            "{name} is only called with malformed bodies"
        );
    }
    assert!(rows.iter().any(|r| r.endpoint == WS));
    assert!(rows.iter().any(|r| r.endpoint == WS_RESUME));
}

const MALFORMED_LABELS: [&str; 2] = [
    "arguments of the wrong types",
    "a required argument missing",
];
