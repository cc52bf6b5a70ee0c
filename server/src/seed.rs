//! Demo data and administrator creation.

use shared::ids::{ConversationId, FriendRequestId, UserId};
use shared::model::{MessageBody, SystemNotice};
use shared::rights::{ROLE_ADMIN, ROLE_DISABLED, ROLE_MUTE, ROLE_USER};
use shared::{AppError, validate};

use crate::auth::password;
use crate::db::Db;
use crate::repo::{contacts, groups, messages, rbac, users};
use crate::time::now_ms;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "parley-demo";

/// The demo accounts: `(username, nickname, role)`.
pub fn demo_accounts() -> Vec<(String, String, &'static str)> {
    let mut accounts = vec![
        ("admin".to_owned(), "管理员".to_owned(), ROLE_ADMIN),
        ("user".to_owned(), "普通用户".to_owned(), ROLE_USER),
        ("muteuser".to_owned(), "禁言用户".to_owned(), ROLE_MUTE),
        ("disabled".to_owned(), "禁用用户".to_owned(), ROLE_DISABLED),
    ];
    for i in 1..=30 {
        accounts.push((format!("member{i}"), format!("成员{i}"), ROLE_USER));
    }
    accounts
}

/// Creates the demo accounts that do not exist yet (idempotent); returns how many were created.
pub async fn seed_demo(db: &Db) -> anyhow::Result<usize> {
    crate::repo::settings::set(db, DEMO_SETTING, "true").await?;
    let mut created = 0;
    let mut pending = Vec::new();
    for (username, nickname, role) in demo_accounts() {
        if users::id_by_username(db, &username).await?.is_none() {
            pending.push((username, nickname, role));
        }
    }
    // Hash on the blocking pool in parallel: argon2id is deliberately slow.
    let hashes = futures_util::future::try_join_all(
        pending
            .iter()
            .map(|_| password::hash(DEMO_PASSWORD.to_owned())),
    )
    .await
    .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    for ((username, nickname, role), hash) in pending.into_iter().zip(hashes) {
        match users::create(db, &username, &hash, &nickname, role, now_ms()).await {
            Ok(_) => created += 1,
            Err(e) if e.is_unique_violation() => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(created)
}

/// The demo friendships, by username.
const FRIENDS: &[(&str, &str)] = &[
    ("admin", "user"),
    ("admin", "member1"),
    ("user", "member1"),
    ("user", "member2"),
    ("user", "member3"),
    ("user", "member4"),
    ("user", "member5"),
    ("member1", "member2"),
];

/// The demo groups: name, owner, members (the seed system's two groups).
const GROUPS: &[(&str, &str, &[&str])] = &[
    ("谈笑有鸿儒", "admin", &["user", "member1"]),
    (
        "往来无白丁",
        "user",
        &["member1", "member2", "member3", "member4", "member5"],
    ),
];

/// The demo messages: conversation (a friend pair or a group name), sender, text.
const MESSAGES: &[(&str, &str, &str)] = &[
    ("admin|user", "admin", "欢迎来到 Parley！"),
    ("admin|user", "user", "谢谢，界面和微信一样顺手 👍"),
    ("user|member1", "member1", "晚上一起吃饭吗？"),
    ("谈笑有鸿儒", "admin", "这里是管理员的群，欢迎大家。"),
    ("谈笑有鸿儒", "member1", "大家好 👋"),
    ("往来无白丁", "user", "读书会本周五晚上八点。"),
];

async fn id_of(db: &Db, username: &str) -> anyhow::Result<UserId> {
    users::id_by_username(db, username)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo user {username} is missing"))
}

/// Adds the demo friendships, groups and messages that do not exist yet (idempotent: messages
/// carry fixed client ids, groups are found by name and owner).
pub async fn seed_social(db: &Db) -> anyhow::Result<()> {
    let now = now_ms();
    let mut conversations: Vec<(String, ConversationId)> = Vec::new();
    for (a, b) in FRIENDS {
        let (a_id, b_id) = (id_of(db, a).await?, id_of(db, b).await?);
        if !contacts::are_friends(db, a_id, b_id).await? {
            let request = match contacts::pending(db, a_id, b_id).await? {
                Some(r) => FriendRequestId(r.id),
                None => contacts::create_request(db, a_id, b_id, "", now).await?,
            };
            contacts::befriend(db, request, a_id, b_id, now, true).await?;
        }
        if let Some(f) = contacts::friends(db, a_id)
            .await?
            .into_iter()
            .find(|f| f.user_id == b_id)
        {
            conversations.push((format!("{a}|{b}"), f.conversation_id));
        }
    }
    for (name, owner, members) in GROUPS {
        let owner_id = id_of(db, owner).await?;
        let pattern = users::like_pattern(name);
        let existing = crate::db_conn!(db, |conn| groups::search(conn, &pattern, 50).await)?
            .into_iter()
            .find(|(g, _)| g.name == *name && g.owner_id == owner_id.0);
        let conversation = match existing {
            Some((g, _)) => ConversationId(g.conversation_id),
            None => {
                let mut ids = Vec::new();
                for m in *members {
                    ids.push(id_of(db, m).await?);
                }
                let created = MessageBody::System {
                    notice: SystemNotice::GroupCreated {
                        by: owner_id,
                        name: (*name).to_owned(),
                    },
                };
                crate::db_transaction!(db, |tx| {
                    let (_, conversation) = groups::create(tx, owner_id, name, &ids, now).await?;
                    messages::insert_system(tx, conversation, &created, now).await?;
                    Ok::<_, crate::db::Failure>(conversation)
                })?
            }
        };
        conversations.push(((*name).to_owned(), conversation));
    }
    for (i, (conversation, sender, text)) in MESSAGES.iter().enumerate() {
        let Some((_, id)) = conversations.iter().find(|(k, _)| k == conversation) else {
            continue;
        };
        let body = MessageBody::Text {
            text: (*text).to_owned(),
        };
        let sender = id_of(db, sender).await?;
        messages::insert(db, *id, sender, &format!("demo-{i}"), &body, now_ms()).await?;
    }
    Ok(())
}

/// The setting that marks a database as holding the demo data (`parley seed-demo`).
pub const DEMO_SETTING: &str = "demo_data";

/// What [`create_admin`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminCreated {
    /// A new administrator account.
    Created,
    /// An existing account was given the admin role and keeps its password.
    Promoted,
    /// An existing account was given the admin role; it had the demo password, which was
    /// replaced by the one given (outside a demo database no administrator keeps it).
    PromotedWithNewPassword,
}

/// Creates an administrator. An existing account of that name is refused unless
/// `promote_existing` (the operator means that account, whose password this command does not
/// know); it then gets the admin role and keeps its password, except the public demo
/// password, which no administrator of a non-demo database keeps. The demo password is never
/// accepted for a new administrator.
pub async fn create_admin(
    db: &Db,
    username: &str,
    password_text: &str,
    promote_existing: bool,
) -> anyhow::Result<AdminCreated> {
    let username = validate::username(username).map_err(describe)?;
    if password_text == DEMO_PASSWORD {
        anyhow::bail!("the demo password is public; choose another password for an administrator");
    }
    validate::new_password("password", password_text, &username).map_err(describe)?;
    let Some(id) = users::id_by_username(db, &username).await? else {
        let hash = password::hash(password_text.to_owned())
            .await
            .map_err(describe)?;
        users::create(db, &username, &hash, &username, ROLE_ADMIN, now_ms()).await?;
        return Ok(AdminCreated::Created);
    };
    if !promote_existing {
        anyhow::bail!(
            "an account named {username} exists already; to make it an administrator (it keeps \
             its own password), run again with --promote-existing"
        );
    }
    let demo_db = crate::repo::settings::get_bool(db, DEMO_SETTING, false).await?;
    let stored = users::password_hash(db, id).await?;
    let has_demo_password = password::verify(DEMO_PASSWORD.to_owned(), stored)
        .await
        .map_err(describe)?;
    let replace = has_demo_password && !demo_db;
    if replace {
        let hash = password::hash(password_text.to_owned())
            .await
            .map_err(describe)?;
        users::set_password(db, id, &hash, None, now_ms()).await?;
    }
    rbac::grant_role(db, id, ROLE_ADMIN).await?;
    Ok(if replace {
        AdminCreated::PromotedWithNewPassword
    } else {
        AdminCreated::Promoted
    })
}

fn describe(e: AppError) -> anyhow::Error {
    anyhow::anyhow!("{}", shared::i18n::error_text(shared::i18n::Lang::En, &e))
}
