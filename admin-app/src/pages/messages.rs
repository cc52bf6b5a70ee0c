//! `/admin/messages`: any conversation's messages, newest first, filtered by conversation
//! (`?conversation=`), sender (`?user=`) and words (`?q=`); older pages load below, and a
//! message's content can be removed for everyone with a reason.

use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::AppError;
use shared::LocalTime;
use shared::api::admin_content::{admin_delete_message, admin_list_messages};
use shared::i18n::{Key, Lang, notice_text};
use shared::ids::{ConversationId, MessageId, UserId};
use shared::model::{ADMIN_MESSAGES_MAX, AdminMessage, MessageBody};
use shared::ui::{format_time, use_hydrated, use_i18n};

use crate::components::confirm::{ConfirmDialog, Confirmation};
use crate::components::export::{ExportButton, Table, by_before};
use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::routes;
use crate::session::use_session;

/// Messages per page.
pub const PAGE: u32 = 50;

/// Messages per request while exporting.
const EXPORT_PAGE: u32 = ADMIN_MESSAGES_MAX;

/// What the message browser shows, as its URL carries it (`?conversation=&user=&q=`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFilters {
    /// One conversation.
    pub conversation: Option<ConversationId>,
    /// One sender.
    pub user: Option<UserId>,
    /// Words the text holds.
    pub q: Option<String>,
}

/// A positive id.
fn id(value: Option<&str>) -> Option<i64> {
    value
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|v| *v > 0)
}

/// A trimmed, non-empty value.
fn present(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl MessageFilters {
    /// The filters of a URL's query (`get` reads one parameter); ids that are not positive
    /// numbers are left out.
    pub fn from_query<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        MessageFilters {
            conversation: id(get("conversation")).map(ConversationId),
            user: id(get("user")).map(UserId),
            q: present(get("q")),
        }
    }
}

/// The URL of the message browser with `filters`.
pub fn messages_url(filters: &MessageFilters) -> String {
    let mut params = Vec::new();
    if let Some(c) = filters.conversation {
        params.push(format!("conversation={c}"));
    }
    if let Some(u) = filters.user {
        params.push(format!("user={u}"));
    }
    if let Some(q) = present(filters.q.as_deref()) {
        params.push(format!("q={}", routes::escape(&q)));
    }
    if params.is_empty() {
        routes::MESSAGES.to_owned()
    } else {
        format!("{}?{}", routes::MESSAGES, params.join("&"))
    }
}

/// How a message's content reads in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The sender's own text.
    Text,
    /// A label for what is not text (`[Photo]`, `[File] name`, …).
    Label,
    /// A notice written by the server.
    Notice,
    /// Recalled by its sender or a group's admin, or removed by an administrator.
    Removed,
}

/// A message's content in `lang`: its text, a label for a photo, video, file, voice note,
/// place or forward, a notice worded without names, or what became of a recalled one.
pub fn content_text(lang: Lang, body: &MessageBody) -> (String, Shown) {
    match body {
        MessageBody::Text { text } => (text.clone(), Shown::Text),
        MessageBody::Recalled { by_admin: true, .. } => {
            (lang.t(Key::RecalledByAdmin).to_owned(), Shown::Removed)
        }
        MessageBody::Recalled { .. } => (lang.t(Key::RecalledLabel).to_owned(), Shown::Removed),
        MessageBody::System { notice } => {
            (notice_text(lang, notice, None, &|_| None), Shown::Notice)
        }
        other => (other.preview(lang), Shown::Label),
    }
}

/// Whether an administrator may still remove a message (not a notice, not gone already).
fn deletable(body: &MessageBody) -> bool {
    !matches!(
        body,
        MessageBody::System { .. } | MessageBody::Recalled { .. }
    )
}

/// A conversation's kind, translated.
fn kind_key(kind: &str) -> Key {
    if kind == "direct" {
        Key::DirectChatKind
    } else {
        Key::GroupChatKind
    }
}

/// The exported messages: header and rows in `lang`.
fn export_table(lang: Lang, list: Vec<AdminMessage>) -> Table {
    let header = [
        Key::MessageIdCol,
        Key::AuditTime,
        Key::ConversationIdLabel,
        Key::ConversationKindCol,
        Key::ConversationCol,
        Key::UserIdLabel,
        Key::SenderCol,
        Key::ContentCol,
    ]
    .iter()
    .map(|k| lang.t(*k).to_owned())
    .collect();
    let rows = list
        .into_iter()
        .map(|m| {
            vec![
                m.message.id.to_string(),
                format_time(m.message.created_at),
                m.message.conversation_id.to_string(),
                lang.t(kind_key(&m.conversation_kind)).to_owned(),
                m.conversation_title,
                m.message
                    .sender_id
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                m.sender_name,
                content_text(lang, &m.message.body).0,
            ]
        })
        .collect();
    Table { header, rows }
}

/// The message browser (behind the admin gate).
#[component]
pub fn MessagesPage() -> AnyView {
    let session = use_session();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let query = query.read();
        MessageFilters::from_query(|name| query.get_str(name))
    });
    // Created above the session gate's `<Suspense>` (see `OverviewPage`).
    let first = Resource::new(
        move || filters.get(),
        move |f| async move {
            session.require_admin().await?;
            admin_list_messages(f.conversation, f.user, f.q, None, Some(PAGE)).await
        },
    );
    view! {
        <AdminPage title=Key::AdminMessages>
            <Messages first filters/>
        </AdminPage>
    }
    .into_any()
}

#[component]
fn Messages(
    first: Resource<Result<Vec<AdminMessage>, AppError>>,
    filters: Memo<MessageFilters>,
) -> AnyView {
    let i18n = use_i18n();
    let table = move || {
        Suspend::new(async move {
            match first.await {
                Ok(list) => {
                    view! { <MessagesTable list filters=filters.get_untracked()/> }.into_any()
                }
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || first.refetch()/> }.into_any()
                }
            }
        })
    };
    let export = move || {
        let f = filters.get_untracked();
        let lang = i18n.lang.get_untracked();
        async move {
            let list = by_before(
                EXPORT_PAGE,
                |m: &AdminMessage| m.message.id,
                |before| {
                    let f = f.clone();
                    async move {
                        admin_list_messages(f.conversation, f.user, f.q, before, Some(EXPORT_PAGE))
                            .await
                    }
                },
            )
            .await?;
            Ok(export_table(lang, list))
        }
    };
    view! {
        <div class="toolbar toolbar-split">
            <FilterForm filters/>
            <ExportButton what="messages" fetch=export/>
        </div>
        <Transition fallback=Loading>{table}</Transition>
    }
    .into_any()
}

/// Conversation id, user id and words. Before hydration an ordinary GET form.
#[component]
fn FilterForm(filters: Memo<MessageFilters>) -> AnyView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let conversation = NodeRef::<Input>::new();
    let user = NodeRef::<Input>::new();
    let words = NodeRef::<Input>::new();
    // Follow the URL (back/forward, a link from a drawer) once hydrated.
    Effect::new(move |prev: Option<()>| {
        let f = filters.get();
        if prev.is_none() {
            return;
        }
        let fields = [
            (conversation, f.conversation.map(|c| c.to_string())),
            (user, f.user.map(|u| u.to_string())),
            (words, f.q.clone()),
        ];
        for (node, value) in fields {
            if let Some(el) = node.get_untracked() {
                let value = value.unwrap_or_default();
                if el.value().trim() != value {
                    el.set_value(&value);
                }
            }
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let read = |node: NodeRef<Input>| node.get_untracked().map(|el| el.value());
        let f = MessageFilters {
            conversation: id(read(conversation).as_deref()).map(ConversationId),
            user: id(read(user).as_deref()).map(UserId),
            q: present(read(words).as_deref()),
        };
        navigate(&messages_url(&f), NavigateOptions::default());
    };
    let initial = filters.get_untracked();
    view! {
        <form class="search-bar filter-bar" role="search" method="get" action=routes::MESSAGES on:submit=on_submit>
            <div class="filter-field">
                <label for="message-conversation">{i18n.tr(Key::ConversationIdLabel)}</label>
                <input
                    id="message-conversation"
                    name="conversation"
                    type="number"
                    min="1"
                    step="1"
                    class="id-input"
                    autocomplete="off"
                    value=initial.conversation.map(|c| c.to_string()).unwrap_or_default()
                    node_ref=conversation
                />
            </div>
            <div class="filter-field">
                <label for="message-user">{i18n.tr(Key::UserIdLabel)}</label>
                <input
                    id="message-user"
                    name="user"
                    type="number"
                    min="1"
                    step="1"
                    class="id-input"
                    autocomplete="off"
                    value=initial.user.map(|u| u.to_string()).unwrap_or_default()
                    node_ref=user
                />
            </div>
            <div class="filter-field">
                <label for="message-words">{i18n.tr(Key::WordsLabel)}</label>
                <input
                    id="message-words"
                    name="q"
                    type="search"
                    autocomplete="off"
                    maxlength="64"
                    placeholder=i18n.tr(Key::WordsPlaceholder)
                    value=initial.q.unwrap_or_default()
                    node_ref=words
                />
            </div>
            <button type="submit" class="btn btn-primary">
                {i18n.tr(Key::FilterAction)}
            </button>
            <a href=routes::MESSAGES class="btn btn-ghost">
                {i18n.tr(Key::ClearFilters)}
            </a>
        </form>
    }
    .into_any()
}

/// The rows shown (the first page and every older page loaded), "Load older" and the
/// deletion dialog.
#[component]
fn MessagesTable(list: Vec<AdminMessage>, filters: MessageFilters) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let more = RwSignal::new(list.len() >= PAGE as usize);
    let rows = RwSignal::new(list);
    let older = Action::new(move |before: &MessageId| {
        let (f, before) = (filters.clone(), *before);
        async move { admin_list_messages(f.conversation, f.user, f.q, Some(before), Some(PAGE)).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = older.value().get() {
            more.set(page.len() >= PAGE as usize);
            rows.update(|rows| {
                for m in page {
                    if !rows.iter().any(|r| r.message.id == m.message.id) {
                        rows.push(m);
                    }
                }
            });
        }
    });
    let delete = Action::new(move |(id, reason): &(MessageId, String)| {
        admin_delete_message(*id, reason.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(updated)) = delete.value().get() {
            rows.update(|rows| {
                if let Some(row) = rows.iter_mut().find(|r| r.message.id == updated.message.id) {
                    *row = updated;
                }
            });
        }
    });
    let asking: RwSignal<Option<MessageId>> = RwSignal::new(None);
    provide_context(Deleting(asking));
    let ask = Signal::derive(move || {
        asking.get().map(|_| {
            let lang = i18n.lang.get();
            Confirmation {
                title: lang.t(Key::ConfirmDeleteMessageTitle).to_owned(),
                message: lang.t(Key::ConfirmDeleteMessage).to_owned(),
                action: lang.t(Key::DeleteMessage).to_owned(),
                danger: true,
                reason: Some(lang.t(Key::DeleteReasonLabel).to_owned()),
            }
        })
    });
    let toast = move || {
        delete
            .value()
            .get()
            .is_some_and(|r| r.is_ok())
            .then(|| i18n.t(Key::MessageDeletedToast))
    };
    let error = move || {
        delete
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| older.value().get().and_then(Result::err))
            .map(|e| i18n.error(&e))
    };
    let empty = move || rows.with(Vec::is_empty);
    let load_older = move |_| {
        if let Some(last) = rows.with_untracked(|r| r.last().map(|m| m.message.id)) {
            older.dispatch(last);
        }
    };
    view! {
        <p class="toast" role="status">{toast}</p>
        {move || error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
        <Show
            when=move || !empty()
            fallback=move || {
                view! {
                    <p class="empty-state" role="status">
                        {i18n.tr(Key::NoResults)}
                    </p>
                }
            }
        >
            <div class="table-wrap">
                <table class="data-table messages-table" aria-label=i18n.tr(Key::AdminMessages)>
                    <thead>
                        <tr>
                            <th scope="col">{i18n.tr(Key::AuditTime)}</th>
                            <th scope="col">{i18n.tr(Key::ConversationCol)}</th>
                            <th scope="col">{i18n.tr(Key::SenderCol)}</th>
                            <th scope="col">{i18n.tr(Key::ContentCol)}</th>
                            <th scope="col"><span class="visually-hidden">{i18n.tr(Key::DeleteMessageLabel)}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            key=|m| (m.message.id, deletable(&m.message.body))
                            children=|m| view! { <MessageRow m/> }
                        />
                    </tbody>
                </table>
            </div>
            <div class="pagination">
                <button
                    type="button"
                    class="btn"
                    disabled=move || !hydrated.get() || !more.get() || older.pending().get()
                    on:click=load_older
                >
                    {move || {
                        if more.get() { i18n.t(Key::LoadOlder) } else { i18n.t(Key::NoOlderMessages) }
                    }}
                </button>
            </div>
        </Show>
        <ConfirmDialog
            ask
            on_confirm=move |reason: String| {
                if let Some(id) = asking.get_untracked() {
                    asking.set(None);
                    delete.dispatch((id, reason));
                }
            }
            on_cancel=move || asking.set(None)
        />
    }
    .into_any()
}

/// The message whose deletion is being confirmed.
#[derive(Clone, Copy)]
struct Deleting(RwSignal<Option<MessageId>>);

/// One message as a table row.
#[component]
fn MessageRow(m: AdminMessage) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let deleting = use_context::<Deleting>();
    let id = m.message.id;
    let conversation = m.message.conversation_id;
    let by_conversation = messages_url(&MessageFilters {
        conversation: Some(conversation),
        ..MessageFilters::default()
    });
    let kind = kind_key(&m.conversation_kind);
    let sender = match m.message.sender_id {
        Some(user) => {
            let href = messages_url(&MessageFilters {
                user: Some(user),
                ..MessageFilters::default()
            });
            let name = if m.sender_name.is_empty() {
                format!("#{user}")
            } else {
                m.sender_name.clone()
            };
            view! { <a href=href class="mono">{name}</a> }.into_any()
        }
        None => view! { <span class="muted">{i18n.tr(Key::SystemSender)}</span> }.into_any(),
    };
    let body = m.message.body.clone();
    let shown = content_text(i18n.lang.get_untracked(), &body).1;
    let text = move || content_text(i18n.lang.get(), &body).0;
    let class = match shown {
        Shown::Text => "message-content",
        Shown::Label => "message-content content-label",
        Shown::Notice => "message-content content-notice",
        Shown::Removed => "message-content content-removed",
    };
    let can_delete = deletable(&m.message.body);
    let delete_label = format!("{} {id}", i18n.t(Key::DeleteMessageLabel));
    view! {
        <tr data-message-id=id.to_string()>
            <td class="nowrap"><LocalTime ms=m.message.created_at/></td>
            <td>
                <span class="kind-badge">{i18n.tr(kind)}</span>
                " "
                <span class="conversation-title">{m.conversation_title}</span>
                " "
                <a href=by_conversation class="muted mono">{format!("#{conversation}")}</a>
            </td>
            <td>{sender}</td>
            <td>
                <span class=class>{text}</span>
                {m.message.edited_at.map(|_| view! { " " <span class="muted">"(" {i18n.tr(Key::Edited)} ")"</span> })}
            </td>
            <td class="nowrap">
                {can_delete.then(|| view! {
                    <button
                        type="button"
                        class="btn btn-small btn-danger"
                        aria-label=delete_label
                        disabled=move || !hydrated.get()
                        on:click=move |_| {
                            if let Some(d) = deleting {
                                d.0.set(Some(id));
                            }
                        }
                    >
                        {i18n.tr(Key::DeleteMessage)}
                    </button>
                })}
            </td>
        </tr>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::model::{Media, MediaKind, SystemNotice};

    #[test]
    fn urls_carry_the_filters() {
        assert_eq!(messages_url(&MessageFilters::default()), "/admin/messages");
        let f = MessageFilters {
            conversation: Some(ConversationId(12)),
            user: Some(UserId(3)),
            q: Some(" 你好 world ".into()),
        };
        assert_eq!(
            messages_url(&f),
            "/admin/messages?conversation=12&user=3&q=%E4%BD%A0%E5%A5%BD%20world"
        );
        let only_user = MessageFilters {
            user: Some(UserId(9)),
            ..MessageFilters::default()
        };
        assert_eq!(messages_url(&only_user), "/admin/messages?user=9");
    }

    #[test]
    fn filters_are_read_from_the_query() {
        let read = |pairs: &'static [(&'static str, &'static str)]| {
            MessageFilters::from_query(|name| {
                pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
            })
        };
        assert_eq!(
            read(&[("conversation", "7"), ("user", "x"), ("q", " hi ")]),
            MessageFilters {
                conversation: Some(ConversationId(7)),
                user: None,
                q: Some("hi".into()),
            }
        );
        assert_eq!(read(&[("conversation", "-1")]).conversation, None);
    }

    #[test]
    fn contents_are_worded() {
        let text = MessageBody::Text {
            text: "hello\nthere".into(),
        };
        assert_eq!(
            content_text(Lang::En, &text),
            ("hello\nthere".into(), Shown::Text)
        );
        let photo = MessageBody::Image {
            media_id: "m".into(),
            media: None,
        };
        assert_eq!(
            content_text(Lang::En, &photo),
            ("[Photo]".into(), Shown::Label)
        );
        let file = MessageBody::File {
            media_id: "m".into(),
            media: Some(Media {
                id: "m".into(),
                kind: MediaKind::File,
                mime: "application/pdf".into(),
                size: 1,
                name: "report.pdf".into(),
                width: None,
                height: None,
                duration_ms: None,
                url: "/media/m".into(),
                thumb_url: None,
            }),
        };
        assert_eq!(content_text(Lang::Zh, &file).0, "[文件] report.pdf");
        let removed = MessageBody::Recalled {
            by: UserId(1),
            by_admin: true,
        };
        assert_eq!(
            content_text(Lang::En, &removed),
            (
                "This message was removed by an administrator".into(),
                Shown::Removed
            )
        );
        let recalled = MessageBody::Recalled {
            by: UserId(1),
            by_admin: false,
        };
        assert_eq!(content_text(Lang::Zh, &recalled).0, "已撤回");
        let notice = MessageBody::System {
            notice: SystemNotice::DissolvedByAdmin,
        };
        assert_eq!(content_text(Lang::En, &notice).1, Shown::Notice);
        assert!(!deletable(&notice.clone()));
        assert!(!deletable(&removed));
        assert!(deletable(&text));
    }
}
