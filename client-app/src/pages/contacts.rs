//! The Contacts tab: "New friends" (with the pending-request badge), "Add friend", "New group
//! chat", the user's group chats, then the friends grouped A–Z by display name.

use leptos::prelude::*;
use shared::api::contacts::list_friends;
use shared::i18n::Key;
use shared::model::{ConversationKind, Friend};
use shared::ui::use_i18n;

use crate::components::avatar::face;
use crate::components::badge::CountBadge;
use crate::components::status::{EmptyState, ErrorPanel, LoadingPanel};
use crate::store::use_store;

/// `/contacts`.
#[component]
pub fn ContactsPage() -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let friends = Resource::new(move || store.friends_version.get(), |_| list_friends());
    let requests = Signal::derive(move || store.pending_total());
    view! {
        <header class="page-header">
            <h1>{i18n.tr(Key::TabContacts)}</h1>
        </header>
        <nav class="cell-group contact-entries">
            <a class="cell" href="/contacts/new">
                <span>{i18n.tr(Key::NewFriends)}</span>
                <CountBadge count=requests label=Key::PendingRequestsLabel/>
            </a>
            <a class="cell" href="/contacts/add">
                <span>{i18n.tr(Key::AddFriend)}</span>
            </a>
            <a class="cell" href="/group/new">
                <span>{i18n.tr(Key::NewGroupChat)}</span>
            </a>
        </nav>
        <GroupChats/>
        <Transition fallback=|| view! { <LoadingPanel/> }>
            {move || Suspend::new(async move {
                match friends.await {
                    Ok(list) if list.is_empty() => {
                        view! { <EmptyState title=Key::NoContactsYet hint=Key::NoFriendsHint/> }
                            .into_any()
                    }
                    Ok(list) => view! { <FriendGroups friends=list/> }.into_any(),
                    Err(err) => {
                        view! { <ErrorPanel error=err on_retry=move || friends.refetch()/> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The user's group chats by name, each opening its conversation (from the chat store).
#[component]
fn GroupChats() -> impl IntoView {
    let i18n = use_i18n();
    let store = use_store();
    let groups = Memo::new(move |_| {
        let mut list: Vec<(i64, String)> = store.state.with(|s| {
            s.conversations
                .values()
                .filter(|c| c.kind == ConversationKind::Group)
                .map(|c| (c.id.0, c.title.clone()))
                .collect()
        });
        list.sort_by_key(|g| g.1.to_lowercase());
        list
    });
    view! {
        <Show when=move || groups.with(|g| !g.is_empty())>
            <section aria-labelledby="group-chats-title">
                <h2 id="group-chats-title" class="group-title">{i18n.tr(Key::GroupChats)}</h2>
                <ul class="cell-group plain-list">
                    <For each=move || groups.get() key=|g| g.clone() let:group>
                        <li>
                            <a class="cell person" href=format!("/chat/{}", group.0)>
                                <span class="avatar small group-avatar" aria-hidden="true">
                                    {group.1.chars().next().map(String::from).unwrap_or_default()}
                                </span>
                                <span class="person-name">{group.1.clone()}</span>
                            </a>
                        </li>
                    </For>
                </ul>
            </section>
        </Show>
    }
}

/// The index letter of a name: `A`–`Z` for a Latin first letter, `#` otherwise.
pub fn index_letter(name: &str) -> char {
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => c.to_ascii_uppercase(),
        _ => '#',
    }
}

/// The key a friend sorts by: the server's (pinyin for Chinese), else the lower-cased name.
fn sort_key(f: &Friend) -> String {
    if f.sort_key.is_empty() {
        f.display_name().to_lowercase()
    } else {
        f.sort_key.clone()
    }
}

/// Friends grouped by index letter, `A`–`Z` then `#`, each group sorted by its sort key (so
/// "张三" is under Z).
pub fn group_friends(friends: Vec<Friend>) -> Vec<(char, Vec<Friend>)> {
    let rank = |c: char| if c == '#' { 'z' as u32 + 1 } else { c as u32 };
    let mut keyed: Vec<(String, Friend)> = friends.into_iter().map(|f| (sort_key(&f), f)).collect();
    keyed.sort_by(|(a, _), (b, _)| {
        rank(index_letter(a))
            .cmp(&rank(index_letter(b)))
            .then_with(|| a.cmp(b))
    });
    let mut groups: Vec<(char, Vec<Friend>)> = Vec::new();
    for (key, f) in keyed {
        let letter = index_letter(&key);
        match groups.last_mut() {
            Some((l, list)) if *l == letter => list.push(f),
            _ => groups.push((letter, vec![f])),
        }
    }
    groups
}

#[component]
fn FriendGroups(friends: Vec<Friend>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="friend-list" aria-label=i18n.tr(Key::Friends)>
            {group_friends(friends)
                .into_iter()
                .map(|(letter, list)| {
                    view! {
                        <h2 class="group-title index-letter">{letter.to_string()}</h2>
                        <ul class="cell-group plain-list">
                            {list
                                .into_iter()
                                .map(|f| {
                                    let name = f.display_name().to_owned();
                                    let initial: String = name.chars().next().map(String::from).unwrap_or_default();
                                    view! {
                                        <li>
                                            <a class="cell person" href=format!("/contacts/{}", f.user_id)>
                                                <span class="avatar small" aria-hidden="true">{face(f.avatar_url.clone(), initial)}</span>
                                                <span class="person-name">{name}</span>
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })
                .collect_view()}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ids::{ConversationId, UserId};

    fn friend(nickname: &str, remark: &str) -> Friend {
        Friend {
            user_id: UserId(1),
            username: "u".into(),
            nickname: nickname.into(),
            avatar_url: None,
            remark: remark.into(),
            signature: String::new(),
            conversation_id: ConversationId(1),
            since: 0,
            sort_key: String::new(),
        }
    }

    #[test]
    fn groups_latin_letters_then_hash() {
        let groups = group_friends(vec![
            friend("小明", ""),
            friend("bob", ""),
            friend("x", "Alice"),
            friend("ann", ""),
        ]);
        let letters: Vec<char> = groups.iter().map(|(l, _)| *l).collect();
        assert_eq!(letters, vec!['A', 'B', '#']);
        assert_eq!(groups[0].1[0].display_name(), "Alice");
        assert_eq!(groups[0].1[1].display_name(), "ann");
    }

    #[test]
    fn chinese_names_group_by_the_servers_pinyin_key() {
        let mut zhang = friend("张三", "");
        zhang.sort_key = "zhang san ".into();
        let mut an = friend("安娜", "");
        an.sort_key = "an na ".into();
        let groups = group_friends(vec![zhang, friend("bob", ""), an]);
        let letters: Vec<char> = groups.iter().map(|(l, _)| *l).collect();
        assert_eq!(letters, vec!['A', 'B', 'Z']);
        assert_eq!(groups[2].1[0].display_name(), "张三");
    }
}
