//! `@mentions` in the chat: the member picker `@` opens, the ranges a send carries, and the
//! pieces a text is drawn in.

use leptos::prelude::*;
use shared::i18n::Key;
use shared::ids::UserId;
use shared::model::{MENTIONS_MAX, Mention};
use shared::ui::use_i18n;

/// The ranges of the `@names` picked for `text` that are still in it: each picked name's first
/// occurrence not already taken, in text order, at most [`MENTIONS_MAX`].
pub fn ranges(text: &str, picks: &[(Option<UserId>, String)]) -> Vec<Mention> {
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<Mention> = Vec::new();
    for (user, display) in picks {
        let needle: Vec<char> = display.chars().collect();
        if needle.len() < 2 {
            continue;
        }
        let mut from = 0;
        while let Some(at) = find(&chars, &needle, from) {
            let (start, end) = (at, at + needle.len());
            let taken = found.iter().any(|m| {
                let (s, e) = (m.start as usize, (m.start + m.len) as usize);
                start < e && s < end
            });
            if !taken {
                found.push(Mention {
                    user_id: *user,
                    start: u32::try_from(start).unwrap_or(u32::MAX),
                    len: u32::try_from(needle.len()).unwrap_or(u32::MAX),
                });
                break;
            }
            from = at + 1;
        }
    }
    found.sort_by_key(|m| m.start);
    found.truncate(MENTIONS_MAX);
    found
}

fn find(haystack: &[char], needle: &[char], from: usize) -> Option<usize> {
    (from..=haystack.len().checked_sub(needle.len())?).find(|&i| haystack[i..].starts_with(needle))
}

/// `text` cut into plain pieces and mentions (with who they mention), in order. Ranges that do
/// not fit the text are ignored.
pub fn segments(text: &str, mentions: &[Mention]) -> Vec<(String, Option<Option<UserId>>)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0usize;
    for m in mentions {
        let (start, end) = (
            m.start as usize,
            (m.start as usize).saturating_add(m.len as usize),
        );
        if start < at || end > chars.len() || start >= end {
            continue;
        }
        if start > at {
            out.push((chars[at..start].iter().collect(), None));
        }
        out.push((chars[start..end].iter().collect(), Some(m.user_id)));
        at = end;
    }
    if at < chars.len() {
        out.push((chars[at..].iter().collect(), None));
    }
    out
}

/// The list `@` opens in a group: "Everyone" for owners and admins, then the members.
#[component]
pub fn MentionPicker(
    /// The reader (not offered).
    me: Option<UserId>,
    /// The group's members and their display names.
    members: Signal<Vec<(UserId, String)>>,
    /// Whether the reader may mention everyone.
    manages: Signal<bool>,
    /// Called with the member picked (`None`: everyone) and the name to insert.
    on_pick: Callback<(Option<UserId>, String)>,
    /// Called when the picker is dismissed.
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="mention-picker" role="dialog" aria-label=i18n.tr(Key::MentionPicker)>
            <div class="mention-picker-head">
                <span>{i18n.tr(Key::MentionPicker)}</span>
                <button
                    type="button"
                    class="link-button"
                    aria-label=i18n.tr(Key::Close)
                    on:click=move |_| on_close.run(())
                >
                    "×"
                </button>
            </div>
            <ul class="mention-list">
                {move || {
                    manages
                        .get()
                        .then(|| {
                            let everyone = i18n.lang.get().t(Key::MentionAll).to_owned();
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="mention-choice"
                                        on:click=move |_| on_pick.run((None, everyone.clone()))
                                    >
                                        {i18n.tr(Key::MentionAll)}
                                    </button>
                                </li>
                            }
                        })
                }}
                {move || {
                    members
                        .get()
                        .into_iter()
                        .filter(|(u, _)| Some(*u) != me)
                        .map(|(user, name)| {
                            let shown = name.clone();
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="mention-choice"
                                        on:click=move |_| on_pick.run((Some(user), name.clone()))
                                    >
                                        {shown}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_the_names_left_in_the_text() {
        let picks = vec![
            (Some(UserId(2)), "@小明".to_owned()),
            (None, "@Everyone".to_owned()),
            (Some(UserId(3)), "@gone".to_owned()),
        ];
        let got = ranges("hi @Everyone and @小明!", &picks);
        assert_eq!(
            got,
            vec![
                Mention {
                    user_id: None,
                    start: 3,
                    len: 9
                },
                Mention {
                    user_id: Some(UserId(2)),
                    start: 17,
                    len: 3
                },
            ]
        );
        let pieces = segments("hi @Everyone and @小明!", &got);
        let texts: Vec<&str> = pieces.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["hi ", "@Everyone", " and ", "@小明", "!"]);
    }

    #[test]
    fn the_same_name_twice_takes_two_places() {
        let picks = vec![
            (Some(UserId(2)), "@a".to_owned()),
            (Some(UserId(2)), "@a".to_owned()),
        ];
        let got = ranges("@a @a", &picks);
        assert_eq!(got.iter().map(|m| m.start).collect::<Vec<_>>(), [0, 3]);
    }
}
