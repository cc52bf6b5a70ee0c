//! `/admin/assistant`: the question-and-answer table the Parley Assistant answers users from (a
//! message containing an entry's keyword, or close to its question, gets its answer). The
//! table lists the entries oldest first, each with Edit (which loads it into the form) and
//! Delete (after a confirmation); the form above it adds an entry or saves the one edited.

use leptos::html::Input;
use leptos::prelude::*;
use shared::AppError;
use shared::LocalTime;
use shared::api::assistant::{
    admin_delete_assistant_answer, admin_list_assistant_answers, admin_save_assistant_answer,
};
use shared::i18n::{Key, Lang};
use shared::model::{
    ASSISTANT_ANSWER_MAX, ASSISTANT_ANSWERS_MAX, ASSISTANT_KEYWORD_MAX, ASSISTANT_KEYWORDS_MAX,
    ASSISTANT_QUESTION_MAX, AssistantAnswer,
};
use shared::ui::{use_hydrated, use_i18n};

use crate::components::confirm::{ConfirmDialog, Confirmation};
use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::session::use_session;

/// How many characters of an answer the table shows.
pub const ANSWER_PREVIEW: usize = 80;

/// The keywords typed in the form: separated by commas (`,` `，` `、`), semicolons or new
/// lines, trimmed, blanks dropped, each kept once (compared case-insensitively, as the
/// assistant matches them).
pub fn parse_keywords(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in raw.split([',', '，', '、', ';', '；', '\n', '\r']) {
        let word = word.trim();
        if word.is_empty() {
            continue;
        }
        let lower = word.to_lowercase();
        if !out.iter().any(|w| w.to_lowercase() == lower) {
            out.push(word.to_owned());
        }
    }
    out
}

/// What is wrong with an entry before it is sent: the message's key and the limit it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    /// The message.
    pub key: Key,
    /// The limit filled in for `{max}`.
    pub max: usize,
}

impl Problem {
    fn new(key: Key, max: usize) -> Self {
        Problem { key, max }
    }

    /// The message in `lang`.
    pub fn text(self, lang: Lang) -> String {
        lang.t(self.key).replace("{max}", &self.max.to_string())
    }
}

/// Checks an entry (already trimmed) against the limits the server applies: 0–20 keywords of
/// 1–32 characters, a question of at most 200, a keyword or a question, an answer of 1–2,000;
/// `adding` to a table of `count` entries, at most 500.
pub fn check_entry(
    keywords: &[String],
    question: &str,
    answer: &str,
    adding: bool,
    count: usize,
) -> Result<(), Problem> {
    if adding && count >= ASSISTANT_ANSWERS_MAX {
        return Err(Problem::new(Key::AssistantTableFull, ASSISTANT_ANSWERS_MAX));
    }
    if keywords.len() > ASSISTANT_KEYWORDS_MAX {
        return Err(Problem::new(
            Key::AssistantTooManyKeywords,
            ASSISTANT_KEYWORDS_MAX,
        ));
    }
    if keywords
        .iter()
        .any(|k| k.chars().count() > ASSISTANT_KEYWORD_MAX)
    {
        return Err(Problem::new(
            Key::AssistantKeywordTooLong,
            ASSISTANT_KEYWORD_MAX,
        ));
    }
    if question.chars().count() > ASSISTANT_QUESTION_MAX {
        return Err(Problem::new(
            Key::AssistantQuestionTooLong,
            ASSISTANT_QUESTION_MAX,
        ));
    }
    if keywords.is_empty() && question.is_empty() {
        return Err(Problem::new(Key::AssistantNeedsKeywordOrQuestion, 0));
    }
    if answer.is_empty() {
        return Err(Problem::new(Key::AssistantAnswerRequired, 0));
    }
    if answer.chars().count() > ASSISTANT_ANSWER_MAX {
        return Err(Problem::new(
            Key::AssistantAnswerTooLong,
            ASSISTANT_ANSWER_MAX,
        ));
    }
    Ok(())
}

/// `text` on one line (runs of white space as one space), cut to `max` characters with an
/// ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        cut.truncate(cut.trim_end().len());
        cut.push('…');
        cut
    }
}

/// The assistant page (behind the admin gate).
#[component]
pub fn AssistantPage() -> AnyView {
    let session = use_session();
    // Created above the session gate's `<Suspense>` (see `OverviewPage`).
    let first = Resource::new(
        || (),
        move |_| async move {
            session.require_admin().await?;
            admin_list_assistant_answers().await
        },
    );
    view! {
        <AdminPage title=Key::Assistant>
            <Assistant first/>
        </AdminPage>
    }
    .into_any()
}

#[component]
fn Assistant(first: Resource<Result<Vec<AssistantAnswer>, AppError>>) -> AnyView {
    let i18n = use_i18n();
    let table = move || {
        Suspend::new(async move {
            match first.await {
                Ok(list) => view! { <AssistantTable list/> }.into_any(),
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || first.refetch()/> }.into_any()
                }
            }
        })
    };
    view! {
        <p class="page-intro muted">{i18n.tr(Key::AssistantIntro)}</p>
        <Transition fallback=Loading>{table}</Transition>
    }
    .into_any()
}

/// The form's contents and the entry it edits (`None`: a new one).
#[derive(Clone, Copy)]
struct Draft {
    editing: RwSignal<Option<i64>>,
    keywords: RwSignal<String>,
    question: RwSignal<String>,
    answer: RwSignal<String>,
    /// A problem found before sending.
    problem: RwSignal<Option<Problem>>,
    /// The keywords field, focused when an entry is loaded.
    first_field: NodeRef<Input>,
}

impl Draft {
    fn new() -> Self {
        Draft {
            editing: RwSignal::new(None),
            keywords: RwSignal::new(String::new()),
            question: RwSignal::new(String::new()),
            answer: RwSignal::new(String::new()),
            problem: RwSignal::new(None),
            first_field: NodeRef::new(),
        }
    }

    /// Loads `entry` for editing and moves the focus to the form.
    fn load(self, entry: &AssistantAnswer) {
        self.editing.set(Some(entry.id));
        self.keywords.set(entry.keywords.join(", "));
        self.question.set(entry.question.clone());
        self.answer.set(entry.answer.clone());
        self.problem.set(None);
        if let Some(el) = self.first_field.get_untracked() {
            let _ = el.focus();
        }
    }

    /// Empties the form for a new entry.
    fn clear(self) {
        self.editing.set(None);
        self.keywords.set(String::new());
        self.question.set(String::new());
        self.answer.set(String::new());
        self.problem.set(None);
    }
}

/// What the rows need: the form (Edit) and the entry whose deletion is being confirmed.
#[derive(Clone, Copy)]
struct RowContext {
    draft: Draft,
    deleting: RwSignal<Option<AssistantAnswer>>,
}

/// What the server is asked to save: id (`None`: new), keywords, question, answer.
type SaveInput = (Option<i64>, Vec<String>, String, String);

/// The form, the table and the confirmation.
#[component]
fn AssistantTable(list: Vec<AssistantAnswer>) -> AnyView {
    let i18n = use_i18n();
    let rows = RwSignal::new(list);
    let draft = Draft::new();
    let deleting: RwSignal<Option<AssistantAnswer>> = RwSignal::new(None);
    provide_context(RowContext { draft, deleting });
    let toast: RwSignal<Option<Key>> = RwSignal::new(None);

    let save = Action::new(move |(id, keywords, question, answer): &SaveInput| {
        let (id, keywords, question, answer) =
            (*id, keywords.clone(), question.clone(), answer.clone());
        async move { admin_save_assistant_answer(id, keywords, question, answer).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            rows.update(|rows| match rows.iter_mut().find(|r| r.id == saved.id) {
                Some(row) => *row = saved.clone(),
                None => rows.push(saved.clone()),
            });
            draft.clear();
            toast.set(Some(Key::AssistantAnswerSavedToast));
        }
    });
    let delete = Action::new(move |id: &i64| {
        let id = *id;
        async move { admin_delete_assistant_answer(id).await.map(|()| id) }
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = delete.value().get() {
            rows.update(|rows| rows.retain(|r| r.id != id));
            if draft.editing.get_untracked() == Some(id) {
                draft.clear();
            }
            toast.set(Some(Key::AssistantAnswerDeletedToast));
        }
    });

    let on_save = Callback::new(move |input: SaveInput| {
        toast.set(None);
        save.dispatch(input);
    });
    let ask = Signal::derive(move || {
        deleting.get().map(|_| {
            let lang = i18n.lang.get();
            Confirmation {
                title: lang.t(Key::ConfirmDeleteAssistantAnswerTitle).to_owned(),
                message: lang.t(Key::ConfirmDeleteAssistantAnswer).to_owned(),
                action: lang.t(Key::DeleteAssistantAnswer).to_owned(),
                danger: true,
                reason: None,
            }
        })
    });
    let delete_error = move || {
        delete
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| i18n.error(&e))
    };
    let count = Signal::derive(move || rows.with(Vec::len));
    let empty = move || rows.with(Vec::is_empty);
    view! {
        <AnswerForm draft save=on_save pending=save.pending() result=save.value() count/>
        <p class="toast" role="status">{move || toast.get().map(|k| i18n.t(k))}</p>
        {move || delete_error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
        <Show
            when=move || !empty()
            fallback=move || {
                view! {
                    <p class="empty-state" role="status">
                        {i18n.tr(Key::NoAssistantAnswers)}
                    </p>
                }
            }
        >
            <div class="table-wrap">
                <table
                    class="data-table assistant-table"
                    aria-label=i18n.tr(Key::AssistantAnswers)
                >
                    <thead>
                        <tr>
                            <th scope="col">{i18n.tr(Key::FieldKeywords)}</th>
                            <th scope="col">{i18n.tr(Key::FieldQuestion)}</th>
                            <th scope="col">{i18n.tr(Key::FieldAnswer)}</th>
                            <th scope="col">{i18n.tr(Key::AssistantUpdatedCol)}</th>
                            <th scope="col">{i18n.tr(Key::ReportActionsCol)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            key=|a| {
                                (
                                    a.id,
                                    a.updated_at,
                                    a.keywords.clone(),
                                    a.question.clone(),
                                    a.answer.clone(),
                                )
                            }
                            children=|entry| view! { <AnswerRow entry/> }
                        />
                    </tbody>
                </table>
            </div>
        </Show>
        <ConfirmDialog
            ask
            on_confirm=move |_reason: String| {
                if let Some(entry) = deleting.get_untracked() {
                    deleting.set(None);
                    toast.set(None);
                    delete.dispatch(entry.id);
                }
            }
            on_cancel=move || deleting.set(None)
        />
    }
    .into_any()
}

/// "New entry" / "Edit entry": keywords, question and answer, with Save and Cancel.
#[component]
fn AnswerForm(
    draft: Draft,
    /// Sends the checked entry.
    save: Callback<SaveInput>,
    /// Whether a save is under way.
    #[prop(into)]
    pending: Signal<bool>,
    /// The last save's outcome (its error is shown).
    #[prop(into)]
    result: Signal<Option<Result<AssistantAnswer, AppError>>>,
    /// How many entries the table holds.
    count: Signal<usize>,
) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    // A server error belongs to the attempt that caused it: a new attempt, or Cancel, hides it.
    let show_server_error = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let keywords = parse_keywords(&draft.keywords.get_untracked());
        let question = draft.question.get_untracked().trim().to_owned();
        let answer = draft.answer.get_untracked().trim().to_owned();
        let id = draft.editing.get_untracked();
        match check_entry(
            &keywords,
            &question,
            &answer,
            id.is_none(),
            count.get_untracked(),
        ) {
            Err(problem) => {
                show_server_error.set(false);
                draft.problem.set(Some(problem));
            }
            Ok(()) => {
                draft.problem.set(None);
                show_server_error.set(true);
                save.run((id, keywords, question, answer));
            }
        }
    };
    let cancel = move |_| {
        show_server_error.set(false);
        draft.clear();
    };
    let error = move || {
        draft
            .problem
            .get()
            .map(|p| p.text(i18n.lang.get()))
            .or_else(|| {
                if show_server_error.get() {
                    result.get().and_then(Result::err).map(|e| i18n.error(&e))
                } else {
                    None
                }
            })
    };
    let title = move || {
        if draft.editing.get().is_some() {
            i18n.t(Key::EditAssistantAnswer)
        } else {
            i18n.t(Key::NewAssistantAnswer)
        }
    };
    let answer_count = move || {
        format!(
            "{} / {ASSISTANT_ANSWER_MAX}",
            draft.answer.with(|t| t.trim().chars().count())
        )
    };
    view! {
        <form
            class="card-form assistant-form"
            aria-labelledby="assistant-form-title"
            data-editing=move || draft.editing.get().map(|id| id.to_string())
            on:submit=submit
        >
            <h2 id="assistant-form-title" class="card-title">{title}</h2>
            <div class="field">
                <label for="assistant-keywords">{i18n.tr(Key::FieldKeywords)}</label>
                <input
                    id="assistant-keywords"
                    type="text"
                    name="keywords"
                    autocomplete="off"
                    placeholder="invite, 邀请"
                    aria-describedby="assistant-keywords-hint"
                    node_ref=draft.first_field
                    prop:value=move || draft.keywords.get()
                    on:input=move |ev| draft.keywords.set(event_target_value(&ev))
                />
                <p id="assistant-keywords-hint" class="field-hint muted">
                    <span>{i18n.tr(Key::AssistantKeywordsHint)}</span>
                </p>
            </div>
            <div class="field">
                <label for="assistant-question">{i18n.tr(Key::FieldQuestion)}</label>
                <input
                    id="assistant-question"
                    type="text"
                    name="question"
                    autocomplete="off"
                    maxlength=ASSISTANT_QUESTION_MAX.to_string()
                    aria-describedby="assistant-question-hint"
                    prop:value=move || draft.question.get()
                    on:input=move |ev| draft.question.set(event_target_value(&ev))
                />
                <p id="assistant-question-hint" class="field-hint muted">
                    <span>{i18n.tr(Key::AssistantQuestionHint)}</span>
                </p>
            </div>
            <div class="field">
                <label for="assistant-answer">{i18n.tr(Key::FieldAnswer)}</label>
                <textarea
                    id="assistant-answer"
                    name="answer"
                    rows="5"
                    maxlength=ASSISTANT_ANSWER_MAX.to_string()
                    aria-describedby="assistant-answer-count"
                    prop:value=move || draft.answer.get()
                    on:input=move |ev| draft.answer.set(event_target_value(&ev))
                ></textarea>
                <p class="field-hint muted">
                    <span></span>
                    <span id="assistant-answer-count" class="char-count">{answer_count}</span>
                </p>
            </div>
            {move || error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
            <div class="form-actions button-row">
                <button
                    type="submit"
                    class="btn btn-primary"
                    disabled=move || !hydrated.get() || pending.get()
                >
                    {i18n.tr(Key::SaveAssistantAnswer)}
                </button>
                <button
                    type="button"
                    class="btn"
                    disabled=move || !hydrated.get()
                    on:click=cancel
                >
                    {i18n.tr(Key::Cancel)}
                </button>
            </div>
        </form>
    }
    .into_any()
}

/// One entry as a table row: its keywords as chips, its question, its answer shortened (the
/// whole answer as the cell's title), when it last changed, Edit and Delete.
#[component]
fn AnswerRow(entry: AssistantAnswer) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let ctx = use_context::<RowContext>();
    let keywords = if entry.keywords.is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        view! {
            <ul class="badges assistant-keywords">
                {entry
                    .keywords
                    .iter()
                    .map(|k| view! { <li class="badge">{k.clone()}</li> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let question = if entry.question.trim().is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        view! { <span class="pre-wrap">{entry.question.clone()}</span> }.into_any()
    };
    let id = entry.id;
    let editing = move || ctx.is_some_and(|c| c.draft.editing.get() == Some(id));
    let for_edit = entry.clone();
    let for_delete = entry.clone();
    view! {
        <tr
            data-testid="assistant-answer"
            data-assistant-id=id.to_string()
            class:row-editing=editing
        >
            <td>{keywords}</td>
            <td class="assistant-question">{question}</td>
            <td class="assistant-answer" title=entry.answer.clone()>
                {shorten(&entry.answer, ANSWER_PREVIEW)}
            </td>
            <td class="nowrap">
                <LocalTime ms=entry.updated_at/>
            </td>
            <td>
                <div class="row-actions">
                    <button
                        type="button"
                        class="btn btn-small"
                        aria-label=i18n.tr(Key::EditAssistantAnswer)
                        disabled=move || !hydrated.get()
                        on:click=move |_| {
                            if let Some(c) = ctx {
                                c.draft.load(&for_edit);
                            }
                        }
                    >
                        {i18n.tr(Key::Edit)}
                    </button>
                    <button
                        type="button"
                        class="btn btn-small btn-danger"
                        aria-label=i18n.tr(Key::DeleteAssistantAnswer)
                        disabled=move || !hydrated.get()
                        on:click=move |_| {
                            if let Some(c) = ctx {
                                c.deleting.set(Some(for_delete.clone()));
                            }
                        }
                    >
                        {i18n.tr(Key::ActionDelete)}
                    </button>
                </div>
            </td>
        </tr>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn keywords_are_split_trimmed_and_kept_once() {
        assert_eq!(parse_keywords("invite, 邀请"), words(&["invite", "邀请"]));
        assert_eq!(
            parse_keywords(" a ,\nb\r\n，c、 d ;; A "),
            words(&["a", "b", "c", "d"])
        );
        assert!(parse_keywords(" , \n ").is_empty());
    }

    #[test]
    fn entries_are_checked_with_the_shared_limits() {
        let ok = words(&["invite"]);
        assert_eq!(check_entry(&ok, "", "Ask an admin", true, 0), Ok(()));
        assert_eq!(check_entry(&[], "How do I invite?", "x", true, 0), Ok(()));
        let key = |r: Result<(), Problem>| r.err().map(|p| p.key);
        assert_eq!(
            key(check_entry(&[], "", "x", true, 0)),
            Some(Key::AssistantNeedsKeywordOrQuestion)
        );
        assert_eq!(
            key(check_entry(&ok, "", "", true, 0)),
            Some(Key::AssistantAnswerRequired)
        );
        let many: Vec<String> = (0..=ASSISTANT_KEYWORDS_MAX)
            .map(|i| i.to_string())
            .collect();
        assert_eq!(
            key(check_entry(&many, "", "x", true, 0)),
            Some(Key::AssistantTooManyKeywords)
        );
        let long = vec!["字".repeat(ASSISTANT_KEYWORD_MAX + 1)];
        assert_eq!(
            key(check_entry(&long, "", "x", true, 0)),
            Some(Key::AssistantKeywordTooLong)
        );
        let exact = vec!["字".repeat(ASSISTANT_KEYWORD_MAX)];
        assert_eq!(check_entry(&exact, "", "x", true, 0), Ok(()));
        let question = "问".repeat(ASSISTANT_QUESTION_MAX + 1);
        assert_eq!(
            key(check_entry(&ok, &question, "x", true, 0)),
            Some(Key::AssistantQuestionTooLong)
        );
        let answer = "答".repeat(ASSISTANT_ANSWER_MAX + 1);
        assert_eq!(
            key(check_entry(&ok, "", &answer, true, 0)),
            Some(Key::AssistantAnswerTooLong)
        );
        assert_eq!(
            key(check_entry(&ok, "", "x", true, ASSISTANT_ANSWERS_MAX)),
            Some(Key::AssistantTableFull)
        );
        assert_eq!(
            check_entry(&ok, "", "x", false, ASSISTANT_ANSWERS_MAX),
            Ok(())
        );
    }

    #[test]
    fn problems_name_their_limit() {
        let p = Problem::new(Key::AssistantKeywordTooLong, 32);
        assert_eq!(p.text(Lang::En), "A keyword has at most 32 characters");
        assert_eq!(p.text(Lang::Zh), "每个关键词最多 32 个字");
    }

    #[test]
    fn answers_are_shortened_on_one_line() {
        assert_eq!(shorten("Short\nanswer", 80), "Short answer");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("ab cdef", 4), "ab…");
        assert_eq!(shorten("邀请码在设置里", 5), "邀请码在…");
    }
}
