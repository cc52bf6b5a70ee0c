//! `/admin`: the dashboard — totals (users, groups, messages, uploads, database size), who is
//! online and how many connections are open (refreshed every few seconds while the page is
//! open), messages per hour over two days, sign-ups and active users per day over a month, and
//! an announcement to every user.

use leptos::prelude::*;
use shared::AppError;
use shared::api::admin_content::{admin_announce, admin_stats};
use shared::i18n::{Key, Lang};
use shared::model::{ANNOUNCEMENT_MAX, DashboardStats, STATS_HOURS_MAX, SeriesPoint};
use shared::ui::{format_time, use_hydrated, use_i18n};

use crate::chart::{BarChart, Line, LineChart, last_points};
use crate::components::confirm::{ConfirmDialog, Confirmation};
use crate::components::status::{ErrorPanel, Loading};
use crate::layout::AdminPage;
use crate::pages::users::{UserFilters, users_url};
use crate::routes;
use crate::session::use_session;

/// Hours the first request covers: a month, for the daily series.
const MONTH_HOURS: u32 = STATS_HOURS_MAX;
/// Hours each refresh covers: the hourly chart's window.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const LIVE_HOURS: u32 = 48;
/// Bars of the hourly chart.
const HOURS_SHOWN: usize = 48;
/// Days of the daily chart.
const DAYS_SHOWN: usize = 30;
/// How often the live figures are asked again.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const REFRESH: std::time::Duration = std::time::Duration::from_secs(5);

/// `n` with its thousands separated by commas (`12,345`).
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A size in bytes as people read it: `512 B`, `1.5 KB`, `23 MB`, `4.2 GB` (powers of 1024;
/// one decimal below 10).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    // 1023.96 KB would read "1024 KB": it is 1.0 MB.
    if value.round() >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value < 9.95 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// The hourly chart's label of an hour: `MM-DD HH:MM` in the reader's zone (UTC on the server).
fn hour_label(ms: i64) -> String {
    format_time(ms).get(5..).unwrap_or_default().to_owned()
}

/// The daily chart's label of a day: `MM-DD` of the UTC day the bucket counts.
fn day_label(ms: i64) -> String {
    shared::when::full_time(ms, 0)
        .get(5..10)
        .unwrap_or_default()
        .to_owned()
}

/// The sum and the largest count of a series.
fn sum_and_max(points: &[SeriesPoint]) -> (u64, u64) {
    points.iter().fold((0, 0), |(sum, max), p| {
        (sum.saturating_add(p.count), max.max(p.count))
    })
}

/// The sentence under the hourly chart.
fn hourly_summary(lang: Lang, points: &[SeriesPoint]) -> String {
    let (total, max) = sum_and_max(points);
    lang.t(Key::ChartMessagesSummary)
        .replace("{total}", &group_digits(total))
        .replace("{max}", &group_digits(max))
}

/// The sentence under the daily chart.
fn daily_summary(lang: Lang, sign_ups: &[SeriesPoint], active: &[SeriesPoint]) -> String {
    let (sign_ups, _) = sum_and_max(sign_ups);
    let (_, max) = sum_and_max(active);
    lang.t(Key::ChartDailySummary)
        .replace("{signups}", &group_digits(sign_ups))
        .replace("{max}", &group_digits(max))
}

/// The dashboard (behind the admin gate).
#[component]
pub fn OverviewPage() -> AnyView {
    // Resources are created here, above the session gate's `<Suspense>`: a resource created
    // inside one would be created (and fetched) again each time the server re-renders it.
    let session = use_session();
    let stats = Resource::new(
        || (),
        move |_| async move {
            session.require_admin().await?;
            admin_stats(Some(MONTH_HOURS)).await
        },
    );
    view! {
        <AdminPage title=Key::Dashboard>
            <Overview stats/>
            <Announcement/>
        </AdminPage>
    }
    .into_any()
}

/// The figures once loaded, or what went wrong.
#[component]
fn Overview(stats: Resource<Result<DashboardStats, AppError>>) -> AnyView {
    let body = move || {
        Suspend::new(async move {
            match stats.await {
                Ok(initial) => view! { <Dashboard initial/> }.into_any(),
                Err(error) => {
                    view! { <ErrorPanel error on_retry=move || stats.refetch()/> }.into_any()
                }
            }
        })
    };
    view! { <Transition fallback=Loading>{body}</Transition> }.into_any()
}

/// Asks for fresh figures every [`REFRESH`] while the dashboard is shown (one request at a
/// time); stops when it goes away.
#[cfg(feature = "hydrate")]
fn refresh_while_shown(live: RwSignal<DashboardStats>, failed: RwSignal<Option<AppError>>) {
    let busy = RwSignal::new(false);
    let tick = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match admin_stats(Some(LIVE_HOURS)).await {
                Ok(fresh) => {
                    live.try_set(fresh);
                    failed.try_set(None);
                }
                Err(e) => {
                    failed.try_set(Some(e));
                }
            }
            busy.try_set(false);
        });
    };
    let handle = set_interval_with_handle(tick, REFRESH).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
}

/// Nothing refreshes on the server.
#[cfg(not(feature = "hydrate"))]
fn refresh_while_shown(_live: RwSignal<DashboardStats>, _failed: RwSignal<Option<AppError>>) {}

/// The cards and the charts.
#[component]
fn Dashboard(initial: DashboardStats) -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    // The daily series come from the first (month-long) answer only.
    let sign_ups = last_points(&initial.new_users_per_day, DAYS_SHOWN);
    let active = last_points(&initial.active_users_per_day, DAYS_SHOWN);
    let live = RwSignal::new(initial);
    let failed: RwSignal<Option<AppError>> = RwSignal::new(None);
    refresh_while_shown(live, failed);

    let figure = move |f: fn(&DashboardStats) -> u64| {
        Signal::derive(move || live.with(|s| group_digits(f(s))))
    };
    let media = Signal::derive(move || live.with(|s| format_bytes(s.media_bytes)));
    let database = Signal::derive(move || {
        live.with(|s| {
            s.database_bytes.map_or_else(
                || i18n.lang.get().t(Key::StatUnknown).to_owned(),
                format_bytes,
            )
        })
    });
    let unknown_size = Signal::derive(move || live.with(|s| s.database_bytes.is_none()));
    let online_href = users_url(
        &UserFilters {
            status: Some("online".into()),
            ..UserFilters::default()
        },
        1,
    );
    let hourly = move || {
        // Re-drawn once hydrated: the hours are then labelled in the reader's zone.
        hydrated.track();
        let lang = i18n.lang.get();
        let points = live.with(|s| last_points(&s.messages_per_hour, HOURS_SHOWN));
        view! {
            <BarChart
                id="chart-hourly"
                title=lang.t(Key::ChartMessagesPerHour).to_owned()
                summary=hourly_summary(lang, &points)
                points
                label=hour_label
            />
        }
    };
    let daily_summary_text = {
        let (sign_ups, active) = (sign_ups.clone(), active.clone());
        move || daily_summary(i18n.lang.get(), &sign_ups, &active)
    };
    let daily = {
        let summary = daily_summary_text.clone();
        move || {
            let lang = i18n.lang.get();
            let lines = vec![
                Line {
                    name: lang.t(Key::LegendSignUps).to_owned(),
                    class: "chart-series-1",
                    points: sign_ups.clone(),
                },
                Line {
                    name: lang.t(Key::LegendActiveUsers).to_owned(),
                    class: "chart-series-2",
                    points: active.clone(),
                },
            ];
            view! {
                <LineChart
                    id="chart-daily"
                    title=lang.t(Key::ChartDailyUsers).to_owned()
                    summary=summary()
                    lines
                    label=day_label
                />
            }
        }
    };
    let hourly_summary_text = move || {
        live.with(|s| {
            hourly_summary(
                i18n.lang.get(),
                &last_points(&s.messages_per_hour, HOURS_SHOWN),
            )
        })
    };
    view! {
        <ul class="stat-cards">
            <StatCard id="users" label=Key::UsersTotalLabel value=figure(|s| s.users) href=routes::USERS link=Key::Users/>
            <StatCard id="groups" label=Key::StatGroups value=figure(|s| s.groups) href=routes::GROUPS link=Key::AdminGroups/>
            <StatCard id="messages" label=Key::StatMessages value=figure(|s| s.messages) href=routes::MESSAGES link=Key::AdminMessages/>
            <StatCard id="media" label=Key::StatMedia value=media/>
            <StatCard id="database" label=Key::StatDatabase value=database wordy=unknown_size/>
            <StatCard id="online-users" label=Key::StatOnlineUsers value=figure(|s| s.online_users) href=online_href link=Key::Users live=true/>
            <StatCard id="connections" label=Key::StatConnections value=figure(|s| s.connections) live=true/>
        </ul>
        <p class="stats-note muted">{i18n.tr(Key::StatsLive)}</p>
        {move || failed.get().map(|e| view! { <p class="error-text" role="alert">{i18n.error(&e)}</p> })}
        <div class="chart-grid">
            <figure class="chart-card">
                <h2 class="chart-heading">{i18n.tr(Key::ChartMessagesPerHour)}</h2>
                {hourly}
                <figcaption class="chart-summary">{hourly_summary_text}</figcaption>
            </figure>
            <figure class="chart-card">
                <h2 class="chart-heading">{i18n.tr(Key::ChartDailyUsers)}</h2>
                {daily}
                <figcaption class="chart-summary">
                    <ul class="chart-legend">
                        <li><span class="legend-swatch chart-series-1" aria-hidden="true"></span>{i18n.tr(Key::LegendSignUps)}</li>
                        <li><span class="legend-swatch chart-series-2" aria-hidden="true"></span>{i18n.tr(Key::LegendActiveUsers)}</li>
                    </ul>
                    <span>{daily_summary_text}</span>
                </figcaption>
            </figure>
        </div>
    }
    .into_any()
}

/// One figure with its label, and optionally a link to the table behind it.
///
/// The value is labelled by the card's heading (`aria-labelledby`), so it is found by name:
/// the "Online now" figure is `stat-online-users`' value, `data-testid="online-users"`.
#[component]
fn StatCard(
    /// Names the card's elements (`stat-<id>`, `data-testid`).
    id: &'static str,
    /// The figure's name.
    label: Key,
    /// The figure, formatted.
    #[prop(into)]
    value: Signal<String>,
    /// Where the link goes.
    #[prop(optional, into)]
    href: Option<String>,
    /// The link's text.
    #[prop(optional)]
    link: Option<Key>,
    /// The figure refreshes by itself.
    #[prop(optional)]
    live: bool,
    /// The value is a word rather than a figure (shown smaller).
    #[prop(optional, into)]
    wordy: Signal<bool>,
) -> AnyView {
    let i18n = use_i18n();
    let label_id = format!("stat-{id}");
    let link = href.zip(link).map(|(href, text)| {
        view! { <a href=href>{i18n.tr(text)} " →"</a> }
    });
    view! {
        <li class="stat-card" class:stat-live=live>
            <h2 class="stat-label" id=label_id.clone()>{i18n.tr(label)}</h2>
            <p class="stat-value" class:stat-value-word=wordy aria-labelledby=label_id data-testid=id>
                {value}
            </p>
            {link}
        </li>
    }
    .into_any()
}

/// A message to every user, sent after a confirmation.
#[component]
fn Announcement() -> AnyView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let text = RwSignal::new(String::new());
    let asking = RwSignal::new(false);
    let send = Action::new(move |t: &String| admin_announce(t.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            text.set(String::new());
        }
    });
    let ask = Signal::derive(move || {
        asking.get().then(|| {
            let lang = i18n.lang.get();
            Confirmation {
                title: lang.t(Key::ConfirmAnnounceTitle).to_owned(),
                message: lang.t(Key::ConfirmAnnounce).to_owned(),
                action: lang.t(Key::AnnounceSend).to_owned(),
                danger: true,
                reason: None,
            }
        })
    });
    let toast = move || {
        send.value().get().and_then(Result::ok).map(|sent| {
            i18n.lang
                .get()
                .t(Key::AnnouncedToast)
                .replace("{n}", &group_digits(sent.recipients))
        })
    };
    let error = move || {
        send.value()
            .get()
            .and_then(Result::err)
            .map(|e| i18n.error(&e))
    };
    let count = move || format!("{} / {ANNOUNCEMENT_MAX}", text.with(|t| t.chars().count()));
    let empty = move || text.with(|t| t.trim().is_empty());
    view! {
        <section class="card-form announce" aria-labelledby="announce-heading">
            <h2 id="announce-heading" class="section-title">{i18n.tr(Key::AnnounceHeading)}</h2>
            <div class="field">
                <label for="announce-text">{i18n.tr(Key::AnnounceLabel)}</label>
                <textarea
                    id="announce-text"
                    rows="4"
                    maxlength=ANNOUNCEMENT_MAX.to_string()
                    aria-describedby="announce-hint"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <p id="announce-hint" class="field-hint muted">
                    <span>{i18n.tr(Key::AnnounceHint)}</span>
                    <span class="char-count">{count}</span>
                </p>
            </div>
            {move || error().map(|e| view! { <p class="error-text" role="alert">{e}</p> })}
            <p class="toast" role="status">{toast}</p>
            <button
                type="button"
                class="btn btn-primary"
                disabled=move || !hydrated.get() || send.pending().get() || empty()
                on:click=move |_| asking.set(true)
            >
                {i18n.tr(Key::AnnounceSend)}
            </button>
        </section>
        <ConfirmDialog
            ask
            on_confirm=move |_: String| {
                asking.set(false);
                send.dispatch(text.get_untracked().trim().to_owned());
            }
            on_cancel=move || asking.set(false)
        />
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_by_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }

    #[test]
    fn bytes_read_as_people_say_them() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(1023), "1023 B");
        assert_eq!(format_bytes(1024), "1.0 KB");
        assert_eq!(format_bytes(1536), "1.5 KB");
        assert_eq!(format_bytes(10 * 1024 * 1024), "10 MB");
        assert_eq!(format_bytes(1024 * 1024 - 1), "1.0 MB");
        assert_eq!(
            format_bytes(5 * 1024 * 1024 * 1024 + 300 * 1024 * 1024),
            "5.3 GB"
        );
        assert_eq!(format_bytes(u64::MAX), "16384 PB");
    }

    #[test]
    fn labels_and_summaries() {
        // 2026-11-23 00:00 UTC.
        let at = 1_795_392_000_000;
        assert_eq!(hour_label(at + 3_600_000 * 13), "11-23 13:00");
        assert_eq!(day_label(at), "11-23");
        let points = [
            SeriesPoint { at, count: 3 },
            SeriesPoint { at, count: 1200 },
        ];
        assert_eq!(
            hourly_summary(Lang::En, &points),
            "1,203 messages in the last 48 hours; at most 1,200 in one hour."
        );
        assert_eq!(
            daily_summary(Lang::Zh, &points, &points[..1]),
            "近 30 天共 1,203 人注册，单日活跃用户最多 3 人。"
        );
    }
}
