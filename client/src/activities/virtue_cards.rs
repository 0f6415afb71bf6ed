//! Activity B, the virtue cards in three rounds. Round 1: everyone picks a card from the
//! deck, shows it to all while reading it out and says why; the picked cards go on the
//! flip-over. Round 2: each group makes a top three of the picked cards. Round 3: the team
//! votes its top three, fills both columns of the table for each, and people adopt a
//! virtue. The server decides every rule (`shared::card_game`); this is the screen.

use leerkring_shared::card_game::{CardGame, Pick, TOP};
use leerkring_shared::deck::DECK;
use leerkring_shared::document::Row;
use leerkring_shared::meeting::{Command, MeetingView, Step, VotePhase};
use leptos::prelude::*;

use crate::activities::check_round::CheckRound;
use crate::browser;
use crate::components::groups::GroupSlot;
use crate::components::vote::VotePanel;
use crate::doc_list::add_missing_rows;
use crate::i18n::use_language;
use crate::sync::Provider;

/// The card game as the meeting shows it now (empty before the first view arrives).
fn card_game(provider: &Provider) -> Memo<CardGame> {
    let meeting = provider.meeting();
    Memo::new(move |_| meeting.with(|m| m.as_ref().map(|m| m.cards.clone()).unwrap_or_default()))
}

fn name_of(meeting: ReadSignal<Option<MeetingView>>, member: &str) -> String {
    meeting.with(|m| {
        m.as_ref()
            .map(|m| m.member_name(member))
            .unwrap_or_default()
    })
}

/// The explanatory text of a card of the deck or of the team's own cards.
fn card_text(game: &CardGame, card: &str) -> String {
    game.find(card)
        .map(|(_, text)| text.to_owned())
        .unwrap_or_default()
}

/// Round 1: the card being read out, this person's card or the deck to pick from, and the
/// flip-over with every picked card.
#[component]
pub fn CardRound1(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let game = card_game(&provider);
    let me = Memo::new(move |_| meeting.with(|m| m.as_ref().and_then(|m| m.you.member.clone())));
    let my_pick = Memo::new(move |_| {
        me.get()
            .and_then(|me| game.with(|g| g.picks.get(&me).cloned()))
    });
    let command = provider.sender();
    // Set by "Kiezen" on this device: the motivation field is the next step.
    let just_picked = RwSignal::new(false);
    view! {
        <ReadingSpotlight provider=provider.clone()/>
        <section class="card my-card" aria-labelledby="my-card-heading">
            <h2 id="my-card-heading">{move || language.texts().my_card_heading}</h2>
            {move || match my_pick.get() {
                Some(pick) => {
                    if just_picked.get_untracked() {
                        just_picked.set(false);
                        browser::focus_soon("motivation".to_owned());
                    }
                    view! { <MyCard pick=pick game=game command=command/> }.into_any()
                }
                None => view! { <DeckPicker game=game meeting=meeting command=command just_picked=just_picked/> }.into_any(),
            }}
        </section>
        <ChosenCards provider=provider compact=false/>
    }
}

/// The picked card shown large to everyone while its holder reads it out.
#[component]
fn ReadingSpotlight(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let game = card_game(&provider);
    let command = provider.sender();
    let reading = Memo::new(move |_| {
        game.with(|g| {
            let card = g.reading.clone()?;
            let holder = g.holder(&card)?.clone();
            let motivation = g
                .picks
                .get(&holder)
                .map(|p| p.motivation.clone())
                .unwrap_or_default();
            Some((card.clone(), card_text(g, &card), holder, motivation))
        })
    });
    let leader = provider.leads();
    let may_close = move |holder: &str| {
        leader.get()
            || meeting.with(|m| m.as_ref().and_then(|m| m.you.member.as_deref()) == Some(holder))
    };
    view! {
        <div aria-live="polite">
            {move || reading.get().map(|(card, text, holder, motivation)| {
                let closable = may_close(&holder);
                let holder_name = name_of(meeting, &holder);
                view! {
                    <section class="card spotlight" aria-labelledby="spotlight-heading">
                        <p class="eyebrow">{move || (language.texts().read_out_by)(&holder_name)}</p>
                        <h2 id="spotlight-heading">{card}</h2>
                        <p class="card-text">{text}</p>
                        {(!motivation.is_empty()).then(|| view! { <blockquote>{motivation}</blockquote> })}
                        {closable.then(|| view! {
                            <button type="button" on:click=move |_| command(Command::ReadOut { card: None })>
                                {move || language.texts().stop_reading}
                            </button>
                        })}
                    </section>
                }
            })}
        </div>
    }
}

/// This person's card: its text, their motivation, reading it out, putting it back.
#[component]
fn MyCard(
    pick: Pick,
    game: Memo<CardGame>,
    command: impl Fn(Command) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let language = use_language();
    let motivation = RwSignal::new(pick.motivation.clone());
    let card = StoredValue::new(pick.card.clone());
    let text = game.with_untracked(|g| card_text(g, &pick.card));
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        command(Command::PickCard {
            card: card.get_value(),
            motivation: motivation.get_untracked(),
        });
    };
    let original = pick.motivation.trim().to_owned();
    let saved = Signal::derive(move || motivation.get().trim() == original);
    view! {
        <div class="virtue-card chosen">
            <h3>{pick.card.clone()}</h3>
            <p class="card-text">{text}</p>
        </div>
        <form class="motivation" on:submit=save>
            <label for="motivation">{move || language.texts().motivation_label}</label>
            <p id="motivation-hint" class="hint">{move || language.texts().motivation_hint}</p>
            <textarea id="motivation" rows="3" maxlength="500" aria-describedby="motivation-hint"
                prop:value=move || motivation.get()
                on:input=move |e| motivation.set(event_target_value(&e))></textarea>
            <div class="button-row">
                <button type="submit" class="primary" disabled=saved>
                    {move || if saved.get() { language.texts().motivation_saved } else { language.texts().save_motivation }}
                </button>
                <button type="button" on:click=move |_| command(Command::ReadOut { card: Some(card.get_value()) })>
                    {move || language.texts().read_out}
                </button>
                <button type="button" on:click=move |_| command(Command::UnpickCard)>
                    {move || language.texts().put_back}
                </button>
            </div>
        </form>
    }
}

/// The deck (with the team's own cards) to pick from, and the form to add a card.
#[component]
fn DeckPicker(
    game: Memo<CardGame>,
    meeting: ReadSignal<Option<MeetingView>>,
    command: impl Fn(Command) + Copy + Send + Sync + 'static,
    just_picked: RwSignal<bool>,
) -> impl IntoView {
    let language = use_language();
    let filter = RwSignal::new(String::new());
    let cards = move || {
        let wanted = filter.get().trim().to_ascii_lowercase();
        game.with(|g| {
            DECK.iter()
                .map(|c| (c.name.to_owned(), c.text.to_owned()))
                .chain(g.own_cards.iter().map(|c| (c.name.clone(), c.text.clone())))
                .filter(|(name, _)| {
                    wanted.is_empty() || name.to_ascii_lowercase().contains(&wanted)
                })
                .map(|(name, text)| {
                    let holder = g.holder(&name).cloned();
                    (name, text, holder)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <p>{move || language.texts().pick_intro}</p>
        <label for="deck-filter">{move || language.texts().deck_filter}</label>
        <input id="deck-filter" type="search" autocomplete="off"
            prop:value=move || filter.get() on:input=move |e| filter.set(event_target_value(&e))/>
        <ul class="deck" aria-label=move || language.texts().deck_label>
            {move || cards().into_iter().map(|(name, text, holder)| {
                let taken = holder.map(|h| (language.texts().picked_by)(&name_of(meeting, &h)));
                let label = (language.texts().pick_card)(&name);
                let card = name.clone();
                view! {
                    <li class="virtue-card">
                        <h3>{name}</h3>
                        <p class="card-text">{text}</p>
                        {match taken {
                            Some(taken) => view! { <p class="muted">{taken}</p> }.into_any(),
                            None => view! {
                                // The visible text is the whole name: "Kiezen: Geduld".
                                <button type="button" class="primary"
                                    on:click=move |_| {
                                        just_picked.set(true);
                                        command(Command::PickCard { card: card.clone(), motivation: String::new() });
                                    }>
                                    {label}
                                </button>
                            }.into_any(),
                        }}
                    </li>
                }
            }).collect::<Vec<_>>()}
        </ul>
        <OwnCardForm command=command/>
    }
}

#[component]
fn OwnCardForm(command: impl Fn(Command) + Copy + Send + Sync + 'static) -> impl IntoView {
    let language = use_language();
    let name = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        command(Command::AddCard {
            name: name.get_untracked(),
            text: text.get_untracked(),
        });
        name.set(String::new());
        text.set(String::new());
    };
    view! {
        <details class="own-card">
            <summary>{move || language.texts().own_card_heading}</summary>
            <form on:submit=add>
                <label for="own-card-name">{move || language.texts().own_card_name}</label>
                <input id="own-card-name" type="text" maxlength="200" required
                    prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
                <label for="own-card-text">{move || language.texts().own_card_text}</label>
                <textarea id="own-card-text" rows="3" maxlength="500"
                    prop:value=move || text.get() on:input=move |e| text.set(event_target_value(&e))></textarea>
                <button type="submit">{move || language.texts().own_card_add}</button>
            </form>
        </details>
    }
}

/// The flip-over of the card activity: every picked card with its holder and motivation.
/// After round 1 these are the cards still in play (`compact` leaves out the texts).
#[component]
pub fn ChosenCards(provider: Provider, compact: bool) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let game = card_game(&provider);
    let leader = provider.leads();
    let command = provider.sender();
    let chosen = move || {
        game.with(|g| {
            let mut picks: Vec<(String, String, String, String)> = g
                .picks
                .iter()
                .map(|(member, pick)| {
                    (
                        pick.card.clone(),
                        card_text(g, &pick.card),
                        member.clone(),
                        pick.motivation.clone(),
                    )
                })
                .collect();
            picks.sort();
            picks
        })
    };
    view! {
        <section class="card chosen-cards" aria-labelledby="chosen-heading">
            <h2 id="chosen-heading">
                {move || if compact { language.texts().in_play_heading } else { language.texts().chosen_heading }}
            </h2>
            <Show when=move || game.with(|g| g.picks.is_empty())>
                <p class="muted">{move || language.texts().nothing_chosen}</p>
            </Show>
            <ul class="card-grid">
                {move || chosen().into_iter().map(|(card, text, holder, motivation)| {
                    let holder_name = name_of(meeting, &holder);
                    let show_label = (language.texts().show_card)(&card);
                    let shown = card.clone();
                    view! {
                        <li class="virtue-card">
                            <h3>{card}</h3>
                            {(!compact).then(|| view! { <p class="card-text">{text}</p> })}
                            <p class="muted">{move || (language.texts().picked_by)(&holder_name)}</p>
                            {(!motivation.is_empty()).then(|| view! { <blockquote>{motivation}</blockquote> })}
                            {(leader.get() && !compact).then(|| view! {
                                <button type="button" class="small" aria-label=show_label
                                    on:click=move |_| command(Command::ReadOut { card: Some(shown.clone()) })>
                                    {move || language.texts().read_out}
                                </button>
                            })}
                        </li>
                    }
                }).collect::<Vec<_>>()}
            </ul>
        </section>
    }
}

/// Round 2, inside each group's card: the group's top three. Members choose it while the
/// groups work; everyone sees it side by side in plenary.
pub fn group_top_three(provider: Provider, slot: GroupSlot) -> AnyView {
    view! { <GroupTopThree provider=provider group=slot/> }.into_any()
}

#[component]
fn GroupTopThree(provider: Provider, group: GroupSlot) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let game = card_game(&provider);
    let leader = provider.leads();
    let command = provider.sender();
    let top = Memo::new(move |_| {
        game.with(|g| g.group_tops.get(&group.index).cloned().unwrap_or_default())
    });
    let editable = move || {
        group.working
            && (group.mine || leader.get())
            && meeting.with(|m| {
                m.as_ref().is_some_and(|m| {
                    m.agenda
                        .get(m.position.activity)
                        .and_then(|a| a.steps.get(m.position.step))
                        .is_some_and(|s| s.key == Step::CardsRound2Groups)
                })
            })
    };
    let choose = move |place: usize, card: String| {
        command(Command::SetGroupTop {
            group: (!group.mine).then_some(group.index),
            place,
            card: (!card.is_empty()).then_some(card),
        });
    };
    let filled = move || {
        top.with(|t| {
            t.iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let editing = Memo::new(move |_| editable());
    view! {
        <div class="group-top">
            <h4>{move || language.texts().group_top_heading}</h4>
            {move || if editing.get() {
                // Rendered once; each place follows the server through its value, so a
                // choice in flight is never reset by an older answer.
                let in_play = game.with_untracked(CardGame::in_play);
                (0..TOP).map(|place| {
                    let id = format!("group-top-{}-{place}", group.index);
                    let options = in_play.clone();
                    view! {
                        <div class="top-place">
                            <label for=id.clone()>{move || (language.texts().place)(place + 1)}</label>
                            <select id=id
                                prop:value=move || top.with(|t| t.get(place).cloned().unwrap_or_default())
                                on:change=move |e| choose(place, event_target_value(&e))>
                                <option value="">{move || language.texts().no_choice}</option>
                                {options.into_iter().map(|card| {
                                    let here = card.clone();
                                    view! {
                                        <option value=card.clone()
                                            prop:selected=move || top.with(|t| t.get(place) == Some(&here))>
                                            {card.clone()}
                                        </option>
                                    }
                                }).collect::<Vec<_>>()}
                            </select>
                        </div>
                    }
                }).collect::<Vec<_>>().into_any()
            } else if filled().is_empty() {
                view! { <p class="muted">{move || language.texts().no_top_yet}</p> }.into_any()
            } else {
                view! {
                    <ol class="top-three">
                        {move || filled().into_iter().map(|card| view! { <li>{card}</li> }).collect::<Vec<_>>()}
                    </ol>
                }.into_any()
            }}
        </div>
    }
}

/// Round 3: the vote on the cards in play, then the facilitator settles the team's top
/// three (ties are theirs to break).
#[component]
pub fn CardVote(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let game = card_game(&provider);
    let leader = provider.leads();
    let command = provider.sender();
    let phase = move || meeting.with(|m| m.as_ref().and_then(|m| m.vote.as_ref().map(|v| v.phase)));
    let may_open = move || leader.get() && phase().is_none_or(|p| p == VotePhase::Revealed);
    let open = move |_| {
        command(Command::OpenVote {
            question: language.texts().team_top_question.to_owned(),
            options: game.with_untracked(CardGame::in_play),
            votes_per_person: Some(TOP as u32),
            max_per_option: Some(1),
            facilitator_votes: Some(false),
        });
    };
    let settle = StoredValue::new(provider.clone());
    view! {
        <ChosenCards provider=provider.clone() compact=true/>
        <Show when=may_open>
            <section class="card">
                <button type="button" class="primary" on:click=open>{move || language.texts().open_card_vote}</button>
            </section>
        </Show>
        <VotePanel provider=provider.clone() open_form=false/>
        <Show when=move || leader.get() && phase() == Some(VotePhase::Revealed)>
            <SettleTeamTop provider=settle.get_value()/>
        </Show>
        <TeamTop provider=provider.clone() to_table=false/>
        <CheckRound provider=provider/>
    }
}

/// The facilitator settles the team's top three from the revealed ranking.
#[component]
fn SettleTeamTop(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let command = provider.sender();
    // The ranking, most votes first; the first three are proposed.
    let ranking: Vec<(String, u32)> = meeting.with_untracked(|m| {
        m.as_ref()
            .and_then(|m| m.vote.as_ref()?.results.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|r| (r.label, r.votes))
            .collect()
    });
    let chosen = RwSignal::new(
        ranking
            .iter()
            .take(TOP)
            .map(|r| r.0.clone())
            .collect::<Vec<_>>(),
    );
    let settle = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        command(Command::SetTeamTop {
            cards: chosen.get_untracked(),
        });
    };
    view! {
        <section class="card" aria-labelledby="settle-heading">
            <h2 id="settle-heading">{move || language.texts().settle_top_heading}</h2>
            <form on:submit=settle>
                <fieldset>
                    <legend>{move || language.texts().settle_top_legend}</legend>
                    {ranking.into_iter().map(|(card, votes)| {
                        let id = format!("settle-{}", card.to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
                        let name = card.clone();
                        let toggled = card.clone();
                        let label = card.clone();
                        view! {
                            <div class="ballot-option">
                                <input type="checkbox" id=id.clone()
                                    prop:checked=move || chosen.with(|c| c.contains(&name))
                                    disabled=move || chosen.with(|c| c.len() >= TOP && !c.contains(&card))
                                    on:change=move |_| chosen.update(|c| {
                                        if c.contains(&toggled) { c.retain(|x| *x != toggled) } else { c.push(toggled.clone()) }
                                    })/>
                                <label for=id class="inline">{label} " (" {move || (language.texts().votes_count)(votes)} ")"</label>
                            </div>
                        }
                    }).collect::<Vec<_>>()}
                </fieldset>
                <button type="submit" class="primary">{move || language.texts().settle_top}</button>
            </form>
        </section>
    }
}

/// The team's top three, each with its card text; with `to_table` the facilitator puts it
/// in the virtue table to fill both columns.
#[component]
pub fn TeamTop(provider: Provider, to_table: bool) -> impl IntoView {
    let language = use_language();
    let game = card_game(&provider);
    let leader = provider.leads();
    let doc = StoredValue::new(provider.doc().clone());
    let added = RwSignal::new(None::<usize>);
    let put_in_table = move |_| {
        let rows = game.with_untracked(|g| {
            g.team_top
                .iter()
                .map(|virtue| Row::with_virtue(virtue))
                .collect()
        });
        added.set(Some(doc.with_value(|doc| add_missing_rows(doc, rows))));
    };
    view! {
        <Show when=move || game.with(|g| !g.team_top.is_empty())>
            <section class="card team-top" aria-labelledby="team-top-heading">
                <h2 id="team-top-heading">{move || language.texts().team_top_heading}</h2>
                <ol class="card-grid">
                    {move || game.with(|g| g.team_top.iter().map(|virtue| view! {
                        <li class="virtue-card">
                            <h3>{virtue.clone()}</h3>
                            <p class="card-text">{card_text(g, virtue)}</p>
                        </li>
                    }).collect::<Vec<_>>())}
                </ol>
                {(to_table).then(|| view! {
                    <Show when=move || leader.get()>
                        <button type="button" class="primary" on:click=put_in_table>
                            {move || language.texts().top_to_table}
                        </button>
                        <p role="status">{move || added.get().map(|n| (language.texts().rows_added)(n))}</p>
                    </Show>
                })}
            </section>
        </Show>
    }
}

/// Adopting a virtue (*deugd adopteren*): for each virtue of the team's top three, who
/// takes responsibility for keeping or strengthening it. Anyone adopts for themselves; the
/// facilitator can note it for someone else.
#[component]
pub fn AdoptPanel(provider: Provider) -> impl IntoView {
    let language = use_language();
    let meeting = provider.meeting();
    let game = card_game(&provider);
    let leader = provider.leads();
    let command = provider.sender();
    let me = Memo::new(move |_| meeting.with(|m| m.as_ref().and_then(|m| m.you.member.clone())));
    // The facilitator's choice per virtue, kept outside the list: the list is drawn anew
    // whenever someone adopts, and a choice held inside it would be lost mid-way.
    let chosen = RwSignal::new(std::collections::HashMap::<String, String>::new());
    let people = Memo::new(move |_| {
        meeting.with(|m| {
            m.as_ref()
                .map(|m| {
                    m.participants
                        .iter()
                        .map(|p| (p.member.clone(), p.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    view! {
        <section class="card adopt" aria-labelledby="adopt-heading">
            <h2 id="adopt-heading">{move || language.texts().adopt_heading}</h2>
            <Show when=move || game.with(|g| g.team_top.is_empty())>
                <p class="muted">{move || language.texts().no_team_top}</p>
            </Show>
            <ul class="card-grid">
                {move || game.with(|g| g.team_top.clone()).into_iter().enumerate().map(|(index, virtue)| {
                    let adopters = game.with(|g| g.adoptions.get(&virtue).cloned().unwrap_or_default());
                    let mine = me.get().is_some_and(|me| adopters.contains(&me));
                    let names: Vec<String> = adopters.iter().map(|a| name_of(meeting, a)).collect();
                    let for_me = virtue.clone();
                    let for_other = virtue.clone();
                    let choice_of = virtue.clone();
                    let chosen_here = move || chosen.with(|c| c.get(&choice_of).cloned().unwrap_or_default());
                    let select_id = format!("adopter-{index}");
                    let my_label = if mine { (language.texts().unadopt)(&virtue) } else { (language.texts().adopt)(&virtue) };
                    view! {
                        <li class="virtue-card">
                            <h3>{virtue.clone()}</h3>
                            <p>
                                {if names.is_empty() {
                                    language.texts().nobody_adopted.to_owned()
                                } else {
                                    format!("{} {}", language.texts().adopted_by, names.join(", "))
                                }}
                            </p>
                            <Show when=move || me.get().is_some()>
                                <button type="button" class=if mine { "" } else { "primary" }
                                    on:click={
                                        let virtue = for_me.clone();
                                        move |_| command(if mine {
                                            Command::Unadopt { virtue: virtue.clone(), member: None }
                                        } else {
                                            Command::Adopt { virtue: virtue.clone(), member: None }
                                        })
                                    }>
                                    {my_label.clone()}
                                </button>
                            </Show>
                            <Show when=move || leader.get()>
                                <form class="adopt-for" on:submit={
                                    let virtue = for_other.clone();
                                    move |event: leptos::ev::SubmitEvent| {
                                        event.prevent_default();
                                        let member = chosen.with_untracked(|c| c.get(&virtue).cloned()).unwrap_or_default();
                                        if !member.is_empty() {
                                            chosen.update(|c| { c.remove(&virtue); });
                                            command(Command::Adopt { virtue: virtue.clone(), member: Some(member) });
                                        }
                                    }
                                }>
                                    <label for=select_id.clone()>{move || language.texts().adopt_for}</label>
                                    <select id=select_id.clone() on:change={
                                        let virtue = for_other.clone();
                                        move |e| chosen.update(|c| { c.insert(virtue.clone(), event_target_value(&e)); })
                                    }>
                                        <option value="">{move || language.texts().no_choice}</option>
                                        {people.get().into_iter().map(|(member, name)| {
                                            let chosen_here = chosen_here.clone();
                                            let is_chosen = member.clone();
                                            view! { <option value=member prop:selected=move || chosen_here() == is_chosen>{name}</option> }
                                        }).collect::<Vec<_>>()}
                                    </select>
                                    <button type="submit">{move || language.texts().adopt_for_button}</button>
                                </form>
                            </Show>
                        </li>
                    }
                }).collect::<Vec<_>>()}
            </ul>
        </section>
    }
}
