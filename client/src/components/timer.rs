//! The countdown for the current step. The server keeps the time; this shows it,
//! corrected for the difference between the server's clock and the device's, and says
//! clearly but quietly when the time is up.

use leerkring_shared::meeting::{Command, Timer};
use leptos::prelude::*;

use crate::i18n::use_language;
use crate::sync::Provider;

fn clock_text(milliseconds: u64) -> String {
    let seconds = milliseconds.div_ceil(1000);
    format!("{:02}:{:02}", seconds / 60, seconds % 60)
}

#[component]
pub fn TimerPanel(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let tick = RwSignal::new(0u32);
    if let Ok(handle) = set_interval_with_handle(
        move || tick.update(|t| *t = t.wrapping_add(1)),
        std::time::Duration::from_millis(500),
    ) {
        on_cleanup(move || handle.clear());
    }
    let timer = move || meeting.with(|m| m.as_ref().map_or(Timer::Stopped, |m| m.timer));
    let clock = provider.clone();
    let remaining = move || {
        tick.track();
        match timer() {
            Timer::Stopped => None,
            Timer::Running { ends_at_ms, .. } => {
                Some((ends_at_ms as f64 - clock.server_now_ms()).max(0.0) as u64)
            }
            Timer::Paused { remaining_ms, .. } => Some(remaining_ms),
        }
    };
    let remaining_for_done = remaining.clone();
    let done = move || matches!(timer(), Timer::Running { .. }) && remaining_for_done() == Some(0);
    let done_for_class = done.clone();
    let leads = provider.leads();
    let suggested = move || {
        meeting.with(|m| {
            m.as_ref()
                .and_then(|m| {
                    m.agenda
                        .get(m.position.activity)?
                        .steps
                        .get(m.position.step)
                        .map(|s| s.minutes)
                })
                .unwrap_or(10)
        })
    };
    let command = provider.sender();
    view! {
        <section class="card timer" class:timer-done=done_for_class aria-labelledby="timer-heading">
            <h2 id="timer-heading">{move || language.texts().timer_heading}</h2>
            <p class="timer-display" class:timer-idle=move || timer() == Timer::Stopped role="timer" aria-labelledby="timer-heading">
                {
                    let remaining = remaining.clone();
                    move || match remaining() {
                        Some(ms) => clock_text(ms),
                        None => language.texts().timer_idle.to_owned(),
                    }
                }
                {move || matches!(timer(), Timer::Paused { .. }).then(|| format!(" ({})", language.texts().timer_paused))}
            </p>
            <Show when=done.clone()>
                <p class="timer-alert" role="alert">{move || language.texts().timer_done}</p>
            </Show>
            <Show when=move || leads.get()>
                <div class="button-row">
                    {
                        move || match timer() {
                            Timer::Stopped => {
                                view! {
                                    <button type="button" class="primary" on:click=move |_| command(Command::StartTimer { seconds: None })>
                                        {move || (language.texts().timer_start)(suggested())}
                                    </button>
                                }.into_any()
                            }
                            Timer::Running { .. } | Timer::Paused { .. } => {
                                let running = matches!(timer(), Timer::Running { .. });
                                view! {
                                    <button type="button" on:click=move |_| command(if running { Command::PauseTimer } else { Command::ResumeTimer })>
                                        {move || if running { language.texts().timer_pause } else { language.texts().timer_resume }}
                                    </button>
                                    <button type="button" on:click=move |_| command(Command::StopTimer)>
                                        {move || language.texts().timer_stop}
                                    </button>
                                }.into_any()
                            }
                        }
                    }
                </div>
            </Show>
        </section>
    }
}
