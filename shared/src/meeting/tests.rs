//! The meeting's rules as a whole: commands through [`Meeting::apply`], from the agenda
//! to the card rounds and the case consultation.

use super::*;
use crate::card_game::Agreement;
use crate::case::FollowUp;
use crate::model::{case_part, case_root, LOCKABLE};

fn facilitator() -> Caller {
    Caller {
        facilitator_token: true,
        member: Some("f".into()),
    }
}

fn person(id: &str) -> Caller {
    Caller {
        facilitator_token: false,
        member: Some(id.into()),
    }
}

fn context(present: &[&str]) -> Context {
    Context {
        now_ms: 1_000_000,
        random: 42,
        present: present.iter().map(|s| (*s).to_owned()).collect(),
        token_holders: vec!["f".into()],
    }
}

/// A meeting with a waiting room, as a new board has, and `people` let in.
fn meeting_with(people: &[&str]) -> Meeting {
    let mut meeting = Meeting {
        waiting_room: true,
        ..Meeting::default()
    };
    let ctx = context(people);
    meeting
        .apply(
            &facilitator(),
            Command::Hello {
                name: "Fenna".into(),
            },
            &ctx,
        )
        .expect("hello");
    // Each joins and waits, and the facilitator lets them in.
    for id in people {
        meeting
            .apply(
                &person(id),
                Command::Hello {
                    name: format!("Naam {id}"),
                },
                &ctx,
            )
            .expect("hello");
        meeting
            .apply(
                &facilitator(),
                Command::AdmitMember {
                    member: (*id).into(),
                },
                &ctx,
            )
            .expect("admit");
    }
    meeting
}

#[test]
fn a_new_device_waits_sees_nothing_and_acts_only_once_let_in() {
    let mut meeting = meeting_with(&["a"]);
    open_vote(&mut meeting);
    let ctx = context(&["a", "w"]);
    let waiter = person("w");
    meeting
        .apply(&waiter, Command::Hello { name: "Wim".into() }, &ctx)
        .expect("anyone may say hello");
    assert!(!meeting.lets_in(&waiter));
    let refused = meeting
        .apply(&waiter, Command::CastVote { options: vec![0] }, &ctx)
        .expect_err("a waiting device cannot vote");
    assert_eq!(refused, not_let_in_yet());
    for command in [
        Command::PickCard {
            card: "geduld".into(),
            motivation: "omdat".into(),
        },
        Command::ClearFlag {
            text: "06-12345678".into(),
        },
    ] {
        assert_eq!(meeting.apply(&waiter, command, &ctx), Err(not_let_in_yet()));
    }
    assert!(
        meeting
            .apply(
                &facilitator(),
                Command::HandOver { member: "w".into() },
                &ctx
            )
            .is_err(),
        "the role cannot go to someone waiting"
    );

    // Waiting, they see that and nothing else; the facilitator sees who waits.
    let theirs = meeting.view_for(&waiter, &ctx);
    assert!(theirs.you.waiting);
    assert!(theirs.participants.is_empty() && theirs.vote.is_none() && theirs.agenda.is_empty());
    let hers = meeting.view_for(&facilitator(), &ctx);
    assert_eq!(
        hers.waiting
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["Wim"]
    );
    assert!(hers.participants.iter().all(|p| p.member != "w"));
    assert!(
        meeting.view_for(&person("a"), &ctx).waiting.is_empty(),
        "only she sees it"
    );

    // Let in, they vote; saying hello again later keeps them in.
    meeting
        .apply(
            &facilitator(),
            Command::AdmitMember { member: "w".into() },
            &ctx,
        )
        .expect("admit");
    meeting
        .apply(&waiter, Command::CastVote { options: vec![0] }, &ctx)
        .expect("now they vote");
    meeting
        .apply(
            &waiter,
            Command::Hello {
                name: "Wim B.".into(),
            },
            &ctx,
        )
        .expect("hello again");
    assert!(meeting.lets_in(&waiter));
    assert!(!meeting.view_for(&waiter, &ctx).you.waiting);
}

#[test]
fn refusing_at_the_waiting_room_is_for_good_and_switching_it_off_lets_everyone_in() {
    let mut meeting = meeting_with(&[]);
    let ctx = context(&["w", "x"]);
    for (id, name) in [("w", "Wim"), ("x", "Xandra")] {
        meeting
            .apply(&person(id), Command::Hello { name: name.into() }, &ctx)
            .expect("hello");
    }
    meeting
        .apply(
            &facilitator(),
            Command::RemoveMember { member: "x".into() },
            &ctx,
        )
        .expect("refuse");
    meeting
        .apply(&facilitator(), Command::SetWaitingRoom { on: false }, &ctx)
        .expect("switch off");
    assert!(meeting.lets_in(&person("w")), "waiting, so let in");
    assert!(!meeting.lets_in(&person("x")), "refused stays refused");
    // Without a waiting room a newcomer takes part at once, and stays in when it is back on.
    meeting
        .apply(
            &person("n"),
            Command::Hello {
                name: "Nina".into(),
            },
            &ctx,
        )
        .expect("hello");
    meeting
        .apply(&facilitator(), Command::SetWaitingRoom { on: true }, &ctx)
        .expect("switch on");
    assert!(meeting.lets_in(&person("n")));
    assert!(
        !meeting.lets_in(&person("late")),
        "a new device waits again"
    );
    assert!(
        meeting
            .apply(&person("w"), Command::SetWaitingRoom { on: false }, &ctx)
            .is_err(),
        "only the facilitator switches it"
    );
}

#[test]
fn a_meeting_stored_before_the_waiting_room_keeps_everyone_in() {
    // Today's meeting as JSON, less the fields the waiting room added.
    let mut stored = serde_json::to_value(meeting_with(&["a"])).expect("json");
    let fields = stored.as_object_mut().expect("an object");
    fields.remove("waiting_room");
    for member in fields["members"]
        .as_object_mut()
        .expect("members")
        .values_mut()
    {
        member.as_object_mut().expect("a member").remove("admitted");
    }
    let meeting: Meeting = serde_json::from_value(stored).expect("an old meeting reads");
    assert!(!meeting.waiting_room);
    assert!(meeting.lets_in(&person("a")));
    assert!(meeting.lets_in(&person("new")));
}

fn open_vote(meeting: &mut Meeting) {
    let command = Command::OpenVote {
        question: "Welke deugden?".into(),
        options: ["Geduld", "Respect", "Moed", "Eerlijkheid"]
            .map(String::from)
            .to_vec(),
        votes_per_person: None,
        max_per_option: None,
        facilitator_votes: None,
    };
    meeting
        .apply(&facilitator(), command, &context(&[]))
        .expect("open vote");
}

#[test]
fn participants_may_not_run_facilitator_commands_and_nothing_changes() {
    let mut meeting = meeting_with(&["a"]);
    let before = meeting.clone();
    let all = [
        Command::NextStep,
        Command::PreviousStep,
        Command::GoToStep {
            activity: 0,
            step: 1,
        },
        Command::SetAgenda {
            activities: vec![ActivityKind::Evaluation],
        },
        Command::StartTimer { seconds: None },
        Command::PauseTimer,
        Command::ResumeTimer,
        Command::StopTimer,
        Command::FormGroups {
            plan: GroupPlan::Pairs,
        },
        Command::EndGroups,
        Command::CloseVote,
        Command::RevealVote,
        Command::LockTable,
        Command::UnlockTable,
        Command::HandOver { member: "a".into() },
        Command::Reclaim,
        Command::RenameMember {
            member: "f".into(),
            name: "x".into(),
        },
        Command::RemoveMember { member: "f".into() },
    ];
    for command in all {
        let refused = meeting.apply(&person("a"), command.clone(), &context(&["a"]));
        assert_eq!(refused.map_err(|r| r.status), Err(403), "{command:?}");
        assert_eq!(meeting, before, "{command:?} changed nothing");
    }
}

#[test]
fn the_agenda_moves_forward_and_back_across_activities() {
    let mut meeting = meeting_with(&[]);
    let ctx = context(&[]);
    let agenda = vec![ActivityKind::VirtueExercise, ActivityKind::VirtueCards];
    meeting
        .apply(
            &facilitator(),
            Command::SetAgenda { activities: agenda },
            &ctx,
        )
        .expect("agenda");
    let steps = ActivityKind::VirtueExercise.steps().len();
    for _ in 0..steps {
        meeting
            .apply(&facilitator(), Command::NextStep, &ctx)
            .expect("next");
    }
    assert_eq!(
        meeting.position,
        Position {
            activity: 1,
            step: 0
        }
    );
    meeting
        .apply(&facilitator(), Command::PreviousStep, &ctx)
        .expect("back");
    assert_eq!(
        meeting.position,
        Position {
            activity: 0,
            step: steps - 1
        }
    );
    let first = meeting.apply(
        &facilitator(),
        Command::GoToStep {
            activity: 0,
            step: 0,
        },
        &ctx,
    );
    assert!(first.is_ok());
    let refused = meeting.apply(&facilitator(), Command::PreviousStep, &ctx);
    assert_eq!(refused.map_err(|r| r.status), Err(409));
    let bad = meeting.apply(
        &facilitator(),
        Command::GoToStep {
            activity: 9,
            step: 0,
        },
        &ctx,
    );
    assert_eq!(bad.map_err(|r| r.status), Err(422));
}

#[test]
fn the_timer_runs_pauses_and_resumes_on_the_server_clock() {
    let mut meeting = meeting_with(&[]);
    let mut ctx = context(&[]);
    meeting
        .apply(&facilitator(), Command::StartTimer { seconds: None }, &ctx)
        .expect("start");
    let minutes = u64::from(ActivityKind::VirtueCards.steps()[0].1);
    assert_eq!(
        meeting.timer,
        Timer::Running {
            duration_ms: minutes * 60_000,
            ends_at_ms: ctx.now_ms + minutes * 60_000
        }
    );
    ctx.now_ms += 60_000;
    meeting
        .apply(&facilitator(), Command::PauseTimer, &ctx)
        .expect("pause");
    assert_eq!(
        meeting.timer,
        Timer::Paused {
            duration_ms: minutes * 60_000,
            remaining_ms: (minutes - 1) * 60_000
        }
    );
    ctx.now_ms += 3_600_000;
    meeting
        .apply(&facilitator(), Command::ResumeTimer, &ctx)
        .expect("resume");
    assert_eq!(
        meeting.timer,
        Timer::Running {
            duration_ms: minutes * 60_000,
            ends_at_ms: ctx.now_ms + (minutes - 1) * 60_000
        }
    );
    meeting
        .apply(&facilitator(), Command::NextStep, &ctx)
        .expect("next");
    assert_eq!(
        meeting.timer,
        Timer::Stopped,
        "a new step starts without a timer"
    );
}

#[test]
fn votes_are_limited_secret_until_revealed_and_ranked_with_ties() {
    let mut meeting = meeting_with(&["a", "b", "c"]);
    open_vote(&mut meeting);
    let ctx = context(&["a", "b", "c"]);
    let cast = |m: &mut Meeting, who: &str, options: Vec<usize>| {
        m.apply(&person(who), Command::CastVote { options }, &ctx)
            .map_err(|r| r.status)
    };
    assert_eq!(
        cast(&mut meeting, "a", vec![0, 1, 2, 3]),
        Err(422),
        "a fourth vote"
    );
    assert_eq!(
        cast(&mut meeting, "a", vec![0, 0]),
        Err(422),
        "two votes on one option"
    );
    assert_eq!(cast(&mut meeting, "a", vec![7]), Err(422), "no such option");
    assert_eq!(cast(&mut meeting, "a", vec![0, 1, 2]), Ok(()));
    assert_eq!(
        cast(&mut meeting, "a", vec![0, 1]),
        Ok(()),
        "votes may change while open"
    );
    assert_eq!(cast(&mut meeting, "b", vec![1, 0]), Ok(()));
    assert_eq!(cast(&mut meeting, "c", vec![2]), Ok(()));
    let facilitator_vote =
        meeting.apply(&facilitator(), Command::CastVote { options: vec![3] }, &ctx);
    assert_eq!(
        facilitator_vote.map_err(|r| r.status),
        Err(403),
        "facilitator does not take part"
    );

    let view = meeting.view_for(&person("a"), &ctx).vote.expect("vote");
    assert_eq!(view.voters, 3);
    assert_eq!(view.your_ballot, vec![0, 1]);
    assert!(view.results.is_none(), "secret before the reveal");
    let facilitator_view = meeting.view_for(&facilitator(), &ctx).vote.expect("vote");
    assert!(
        facilitator_view.results.is_none(),
        "secret for the facilitator too"
    );
    let json = serde_json::to_string(&meeting.view_for(&person("c"), &ctx)).expect("json");
    assert!(!json.contains("ballots"), "no ballots in any view: {json}");

    meeting
        .apply(&facilitator(), Command::CloseVote, &ctx)
        .expect("close");
    assert_eq!(
        cast(&mut meeting, "c", vec![3]),
        Err(409),
        "voting after the close"
    );
    meeting
        .apply(&facilitator(), Command::RevealVote, &ctx)
        .expect("reveal");
    let results = meeting
        .view_for(&person("b"), &ctx)
        .vote
        .and_then(|v| v.results)
        .expect("results");
    let summary: Vec<(&str, u32, usize)> = results
        .iter()
        .map(|r| (r.label.as_str(), r.votes, r.rank))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Geduld", 2, 1),
            ("Respect", 2, 1),
            ("Moed", 1, 3),
            ("Eerlijkheid", 0, 4)
        ]
    );
}

#[test]
fn groups_split_everyone_present_and_can_be_chosen_by_hand() {
    let people = ["a", "b", "c", "d", "e"];
    let mut meeting = meeting_with(&people);
    let ctx = context(&["a", "b", "c", "d", "e", "f"]);
    meeting
        .apply(
            &facilitator(),
            Command::FormGroups {
                plan: GroupPlan::Count { groups: 2 },
            },
            &ctx,
        )
        .expect("two groups");
    let groups = meeting.groups.clone().expect("groups");
    assert_eq!(groups.members.len(), 2);
    let mut everyone: Vec<_> = groups.members.concat();
    everyone.sort();
    assert_eq!(
        everyone,
        people.map(String::from).to_vec(),
        "the facilitator leads, in no group"
    );
    assert!(groups.members.iter().all(|g| g.len() >= 2));

    meeting
        .apply(
            &facilitator(),
            Command::FormGroups {
                plan: GroupPlan::Pairs,
            },
            &ctx,
        )
        .expect("pairs");
    assert_eq!(meeting.groups.as_ref().map(|g| g.members.len()), Some(2));

    let manual = GroupPlan::Manual {
        groups: vec![vec!["a".into(), "b".into()], vec!["c".into()]],
    };
    meeting
        .apply(&facilitator(), Command::FormGroups { plan: manual }, &ctx)
        .expect("by hand");
    let twice = GroupPlan::Manual {
        groups: vec![vec!["a".into()], vec!["a".into()]],
    };
    let refused = meeting.apply(&facilitator(), Command::FormGroups { plan: twice }, &ctx);
    assert_eq!(refused.map_err(|r| r.status), Err(422));
    let view = meeting.view_for(&person("c"), &ctx);
    assert_eq!(view.you.group, Some(1));
    meeting
        .apply(&facilitator(), Command::EndGroups, &ctx)
        .expect("plenary");
    assert_eq!(
        meeting.groups.as_ref().map(|g| g.working),
        Some(false),
        "results stay for plenary"
    );
}

#[test]
fn the_role_can_be_handed_over_and_taken_back() {
    let mut meeting = meeting_with(&["a"]);
    let ctx = context(&["a"]);
    meeting
        .apply(
            &facilitator(),
            Command::HandOver { member: "a".into() },
            &ctx,
        )
        .expect("hand over");
    assert!(meeting.is_facilitator(&person("a")));
    assert!(!meeting.is_facilitator(&facilitator()));
    meeting
        .apply(&person("a"), Command::LockTable, &ctx)
        .expect("the new facilitator leads");
    meeting
        .apply(&facilitator(), Command::Reclaim, &ctx)
        .expect("reclaim");
    assert!(meeting.is_facilitator(&facilitator()));
    assert!(!meeting.is_facilitator(&person("a")));
}

#[test]
fn a_removed_member_is_refused_and_loses_an_open_ballot() {
    let mut meeting = meeting_with(&["a", "b"]);
    open_vote(&mut meeting);
    let ctx = context(&["a", "b"]);
    meeting
        .apply(&person("a"), Command::CastVote { options: vec![0] }, &ctx)
        .expect("vote");
    meeting
        .apply(
            &facilitator(),
            Command::RemoveMember { member: "a".into() },
            &ctx,
        )
        .expect("remove");
    assert_eq!(meeting.vote.as_ref().map(|v| v.ballots.len()), Some(0));
    let back = meeting.apply(&person("a"), Command::Hello { name: "A".into() }, &ctx);
    assert_eq!(back.map_err(|r| r.status), Err(403));
    assert!(meeting
        .view_for(&facilitator(), &ctx)
        .participants
        .iter()
        .all(|p| p.member != "a"));
}

#[test]
fn the_card_rounds_follow_the_method_and_refuse_cheats() {
    let people = ["a", "b", "c", "d"];
    let mut meeting = meeting_with(&people);
    let ctx = context(&people);
    let run = |m: &mut Meeting, who: &Caller, command: Command| {
        m.apply(who, command, &ctx).map_err(|r| r.status)
    };
    let pick = |card: &str| Command::PickCard {
        card: card.into(),
        motivation: "Omdat het telt".into(),
    };
    // The default agenda starts with the card activity, round 1.
    assert_eq!(meeting.current_step(), Some(Step::CardsRound1));
    assert_eq!(
        run(&mut meeting, &person("a"), pick("Geen deugd")),
        Err(422)
    );
    assert_eq!(run(&mut meeting, &person("a"), pick("geduld")), Ok(()));
    assert_eq!(
        meeting.cards.picks["a"].card, "Geduld",
        "the deck's spelling"
    );
    assert_eq!(
        run(&mut meeting, &person("b"), pick("Geduld")),
        Err(409),
        "one card, one holder"
    );
    assert_eq!(
        run(
            &mut meeting,
            &person("b"),
            Command::AddCard {
                name: "Zachtmoedigheid".into(),
                text: "Je lacht samen, op het goede moment.".into()
            }
        ),
        Ok(())
    );
    assert_eq!(
        run(
            &mut meeting,
            &person("c"),
            Command::AddCard {
                name: "geduld".into(),
                text: String::new()
            }
        ),
        Err(409),
        "no second card of a name"
    );
    assert_eq!(
        run(&mut meeting, &person("b"), pick("Zachtmoedigheid")),
        Ok(())
    );
    assert_eq!(run(&mut meeting, &person("c"), pick("Lef/moed")), Ok(()));
    assert_eq!(run(&mut meeting, &person("d"), pick("Respect")), Ok(()));
    assert_eq!(
        run(&mut meeting, &person("d"), pick("Eerlijkheid")),
        Ok(()),
        "a pick can change"
    );
    // Reading out: the holder or the facilitator, nobody else.
    let read = |card: &str| Command::ReadOut {
        card: Some(card.into()),
    };
    assert_eq!(run(&mut meeting, &person("b"), read("Geduld")), Err(403));
    assert_eq!(run(&mut meeting, &person("a"), read("Geduld")), Ok(()));
    assert_eq!(meeting.cards.reading.as_deref(), Some("Geduld"));
    assert_eq!(run(&mut meeting, &facilitator(), read("Lef/moed")), Ok(()));
    assert_eq!(
        meeting.cards.in_play(),
        vec!["Eerlijkheid", "Geduld", "Lef/moed", "Zachtmoedigheid"],
        "unpicked cards (Respect) left the game"
    );

    // Round 2: picks are closed; groups make top threes of cards in play.
    run(&mut meeting, &facilitator(), Command::NextStep).expect("round 2");
    assert_eq!(run(&mut meeting, &person("a"), pick("Lef/moed")), Err(409));
    let place = |place: usize, card: &str| Command::SetGroupTop {
        group: None,
        place,
        card: Some(card.to_owned()),
    };
    assert_eq!(
        run(&mut meeting, &person("a"), place(0, "Geduld")),
        Err(409),
        "no groups yet"
    );
    run(
        &mut meeting,
        &facilitator(),
        Command::FormGroups {
            plan: GroupPlan::Manual {
                groups: vec![vec!["a".into(), "b".into()], vec!["c".into(), "d".into()]],
            },
        },
    )
    .expect("groups");
    // Group mates fill different places at once; neither undoes the other.
    assert_eq!(run(&mut meeting, &person("a"), place(0, "Geduld")), Ok(()));
    assert_eq!(
        run(&mut meeting, &person("b"), place(2, "Zachtmoedigheid")),
        Ok(())
    );
    assert_eq!(
        run(&mut meeting, &person("a"), place(1, "lef/moed")),
        Ok(())
    );
    assert_eq!(
        run(&mut meeting, &person("c"), place(0, "Respect")),
        Err(422),
        "out of play"
    );
    assert_eq!(
        run(&mut meeting, &person("c"), place(3, "Geduld")),
        Err(422),
        "a fourth place"
    );
    let other_group = Command::SetGroupTop {
        group: Some(0),
        place: 0,
        card: Some("Eerlijkheid".into()),
    };
    assert_eq!(run(&mut meeting, &person("c"), other_group), Err(403));
    assert_eq!(
        run(&mut meeting, &person("c"), place(0, "Lef/moed")),
        Ok(())
    );
    assert_eq!(
        run(&mut meeting, &person("d"), place(1, "Lef/moed")),
        Ok(()),
        "a card moves"
    );
    assert_eq!(
        meeting.cards.group_tops[&0],
        vec!["Geduld", "Lef/moed", "Zachtmoedigheid"]
    );
    assert_eq!(meeting.cards.group_tops[&1], vec!["", "Lef/moed", ""]);

    // Round 3: the facilitator settles the team's top three; people adopt.
    let team_top = Command::SetTeamTop {
        cards: vec!["Lef/moed".into(), "Geduld".into(), "Eerlijkheid".into()],
    };
    assert_eq!(run(&mut meeting, &person("a"), team_top.clone()), Err(403));
    assert_eq!(run(&mut meeting, &facilitator(), team_top), Ok(()));
    let adopt = |virtue: &str, member: Option<&str>| Command::Adopt {
        virtue: virtue.into(),
        member: member.map(str::to_owned),
    };
    assert_eq!(
        run(&mut meeting, &person("b"), adopt("Zachtmoedigheid", None)),
        Err(422),
        "not in the top three"
    );
    assert_eq!(
        run(&mut meeting, &person("b"), adopt("lef/moed", None)),
        Ok(())
    );
    assert_eq!(
        run(&mut meeting, &person("b"), adopt("Lef/moed", None)),
        Err(409)
    );
    assert_eq!(
        run(&mut meeting, &person("b"), adopt("Geduld", Some("c"))),
        Err(403)
    );
    assert_eq!(
        run(&mut meeting, &facilitator(), adopt("Geduld", Some("c"))),
        Ok(())
    );
    assert_eq!(meeting.cards.adoptions["Lef/moed"], vec!["b"]);
    assert_eq!(meeting.cards.adoptions["Geduld"], vec!["c"]);
    run(
        &mut meeting,
        &facilitator(),
        Command::RemoveMember { member: "c".into() },
    )
    .expect("remove");
    assert!(
        !meeting.cards.adoptions.contains_key("Geduld"),
        "a removed member's adoption goes"
    );
    let view = meeting.view_for(&person("a"), &ctx);
    assert_eq!(
        view.cards.team_top,
        vec!["Lef/moed", "Geduld", "Eerlijkheid"]
    );
}

/// The card activity's round 3 settled by the facilitator (people `a`, `b`, `c`), at
/// the step `step`.
fn team_top_settled(step: Step) -> Meeting {
    let people = ["a", "b", "c"];
    let mut meeting = meeting_with(&people);
    let ctx = context(&people);
    for (who, card) in [("a", "Geduld"), ("b", "Respect"), ("c", "Lef/moed")] {
        let pick = Command::PickCard {
            card: card.into(),
            motivation: String::new(),
        };
        meeting.apply(&person(who), pick, &ctx).expect("pick");
    }
    while meeting.current_step() != Some(step) {
        meeting
            .apply(&facilitator(), Command::NextStep, &ctx)
            .expect("next");
    }
    let top = Command::SetTeamTop {
        cards: vec!["Geduld".into(), "Respect".into(), "Lef/moed".into()],
    };
    meeting.apply(&facilitator(), top, &ctx).expect("top");
    meeting
}

#[test]
fn round_three_is_reached_together_through_the_check_round() {
    let mut meeting = team_top_settled(Step::CardsRound3Columns);
    let ctx = context(&["a", "b", "c"]);
    let run = |m: &mut Meeting, who: &Caller, command: Command| {
        m.apply(who, command, &ctx).map_err(|r| r.status)
    };
    let answer = |agree: bool, reason: &str| Command::AnswerTeamTop {
        agree,
        reason: reason.into(),
    };
    // Who is asked: everyone here taking part, but not whoever leads.
    assert_eq!(meeting.asked_to_agree(&ctx), vec!["a", "b", "c"]);
    assert_eq!(run(&mut meeting, &person("a"), answer(true, "")), Ok(()));
    assert_eq!(
        run(&mut meeting, &person("b"), answer(false, " ")),
        Err(422),
        "not yet needs a reason"
    );
    let reason = "Eerlijkheid mist, die speelt bij ons elke dag.";
    assert_eq!(
        run(&mut meeting, &person("b"), answer(false, reason)),
        Ok(())
    );
    assert_eq!(
        meeting.cards.agreement["b"],
        Agreement::NotYet {
            reason: reason.into()
        }
    );
    // Not everyone can agree: adopting does not start, by any way of moving.
    let refused = meeting.apply(&facilitator(), Command::NextStep, &ctx);
    assert_eq!(refused.as_ref().map_err(|r| r.status), Err(409));
    let nl = refused.err().and_then(|r| r.reason_nl).unwrap_or_default();
    assert!(nl.starts_with("Nog niet iedereen kan zich vinden"), "{nl}");
    let adopt_step = ActivityKind::VirtueCards
        .steps()
        .iter()
        .position(|(step, _)| *step == Step::CardsAdopt)
        .expect("adopt step");
    let jump = Command::GoToStep {
        activity: 0,
        step: adopt_step,
    };
    assert_eq!(run(&mut meeting, &facilitator(), jump.clone()), Err(409));
    assert_eq!(meeting.current_step(), Some(Step::CardsRound3Columns));
    // Everyone agrees (b changed their mind): on to adopting.
    assert_eq!(run(&mut meeting, &person("b"), answer(true, "")), Ok(()));
    assert_eq!(
        run(&mut meeting, &facilitator(), jump.clone()),
        Err(409),
        "c has not answered"
    );
    assert_eq!(run(&mut meeting, &person("c"), answer(true, "")), Ok(()));
    assert_eq!(run(&mut meeting, &facilitator(), Command::NextStep), Ok(()));
    assert_eq!(meeting.current_step(), Some(Step::CardsAdopt));
    // Answers are given in round 3 only.
    assert_eq!(run(&mut meeting, &person("a"), answer(true, "")), Err(409));
}

#[test]
fn without_agreement_the_facilitator_records_why_and_a_new_top_three_asks_again() {
    let mut meeting = team_top_settled(Step::CardsRound3Vote);
    let ctx = context(&["a", "b", "c"]);
    let run = |m: &mut Meeting, who: &Caller, command: Command| {
        m.apply(who, command, &ctx).map_err(|r| r.status)
    };
    let no = Command::AnswerTeamTop {
        agree: false,
        reason: "Te snel gekozen.".into(),
    };
    assert_eq!(run(&mut meeting, &person("a"), no), Ok(()));
    let why = Command::MoveOnWithoutAgreement {
        reason: "De tijd is om; we komen er volgende keer op terug.".into(),
    };
    assert_eq!(
        run(&mut meeting, &person("b"), why.clone()),
        Err(403),
        "the facilitator's call"
    );
    assert_eq!(run(&mut meeting, &facilitator(), why), Ok(()));
    assert_eq!(run(&mut meeting, &facilitator(), Command::NextStep), Ok(()));
    assert_eq!(run(&mut meeting, &facilitator(), Command::NextStep), Ok(()));
    assert_eq!(meeting.current_step(), Some(Step::CardsAdopt));

    // A different top three is asked about afresh; the same one keeps its answers.
    let mut meeting = team_top_settled(Step::CardsRound3Vote);
    let yes = Command::AnswerTeamTop {
        agree: true,
        reason: String::new(),
    };
    assert_eq!(run(&mut meeting, &person("a"), yes), Ok(()));
    let same = Command::SetTeamTop {
        cards: vec!["Geduld".into(), "Respect".into(), "Lef/moed".into()],
    };
    assert_eq!(run(&mut meeting, &facilitator(), same), Ok(()));
    assert_eq!(meeting.cards.agreement.len(), 1);
    let other = Command::SetTeamTop {
        cards: vec!["Respect".into(), "Geduld".into()],
    };
    assert_eq!(run(&mut meeting, &facilitator(), other), Ok(()));
    assert!(meeting.cards.agreement.is_empty());
    // A removed member's answer goes with them.
    let yes = Command::AnswerTeamTop {
        agree: true,
        reason: String::new(),
    };
    assert_eq!(run(&mut meeting, &person("c"), yes), Ok(()));
    let remove = Command::RemoveMember { member: "c".into() };
    assert_eq!(run(&mut meeting, &facilitator(), remove), Ok(()));
    assert!(meeting.cards.agreement.is_empty());
}

#[test]
fn a_closed_vote_stays_in_the_activity_it_was_held_in() {
    let mut meeting = meeting_with(&["a"]);
    let ctx = context(&["a"]);
    open_vote(&mut meeting);
    let run = |m: &mut Meeting, command: Command| m.apply(&facilitator(), command, &ctx);
    let to = |activity: usize| Command::GoToStep { activity, step: 0 };
    run(&mut meeting, to(1)).expect("to the case consultation");
    assert!(
        meeting.view_for(&person("a"), &ctx).vote.is_some(),
        "an open vote goes along"
    );
    run(&mut meeting, Command::RevealVote).expect("reveal");
    run(&mut meeting, to(0)).expect("back");
    assert!(meeting.view_for(&person("a"), &ctx).vote.is_some());
    run(&mut meeting, to(1)).expect("on to the case consultation");
    assert!(
        meeting.view_for(&person("a"), &ctx).vote.is_none(),
        "the revealed vote stays behind"
    );
}

#[test]
fn the_facilitator_finishes_the_meeting_and_may_reopen_it() {
    let mut meeting = meeting_with(&["a"]);
    let ctx = context(&["a"]);
    let run = |m: &mut Meeting, who: &Caller, command: Command| {
        m.apply(who, command, &ctx).map_err(|r| r.status)
    };
    run(
        &mut meeting,
        &facilitator(),
        Command::StartTimer { seconds: None },
    )
    .expect("timer");
    assert_eq!(
        run(&mut meeting, &person("a"), Command::FinishMeeting),
        Err(403)
    );
    assert_eq!(
        run(&mut meeting, &facilitator(), Command::FinishMeeting),
        Ok(())
    );
    assert_eq!(meeting.finished_at_ms, Some(ctx.now_ms));
    assert_eq!(
        meeting.timer,
        Timer::Stopped,
        "the clock stops with the meeting"
    );
    assert!(
        meeting.view_for(&person("a"), &ctx).finished,
        "everyone sees it"
    );
    assert_eq!(
        run(&mut meeting, &facilitator(), Command::FinishMeeting),
        Err(409)
    );
    assert_eq!(
        run(&mut meeting, &person("a"), Command::ReopenMeeting),
        Err(403)
    );
    assert_eq!(
        run(&mut meeting, &facilitator(), Command::ReopenMeeting),
        Ok(())
    );
    assert!(!meeting.view_for(&person("a"), &ctx).finished);
    assert_eq!(
        run(&mut meeting, &facilitator(), Command::ReopenMeeting),
        Err(409)
    );
}

#[test]
fn the_facilitator_names_the_contributor_who_alone_writes_the_intake() {
    let people = ["a", "b"];
    let mut meeting = meeting_with(&people);
    let ctx = context(&people);
    let run = |m: &mut Meeting, who: &Caller, command: Command| {
        m.apply(who, command, &ctx).map_err(|r| r.status)
    };
    let name = |member: &str| Command::NameContributor {
        activity: None,
        member: member.into(),
    };
    // The default agenda: cards, then the case consultation at position 1.
    assert_eq!(run(&mut meeting, &facilitator(), name("a")), Err(409));
    run(
        &mut meeting,
        &facilitator(),
        Command::GoToStep {
            activity: 1,
            step: 0,
        },
    )
    .expect("to the intake");
    assert_eq!(run(&mut meeting, &person("a"), name("a")), Err(403));
    assert_eq!(run(&mut meeting, &facilitator(), name("x")), Err(422));
    let follow_up = |date: &str| Command::SetFollowUp {
        activity: None,
        follow_up: Some(FollowUp::Date { date: date.into() }),
    };
    assert_eq!(
        run(&mut meeting, &facilitator(), follow_up("2027-01-12")),
        Err(409),
        "no case before its contributor is named"
    );
    run(&mut meeting, &facilitator(), name("a")).expect("named");
    let case = meeting.cases[&1].clone();
    assert_eq!(case.contributor, "a");

    let intake: Vec<String> = case_part::INTAKE
        .iter()
        .map(|(part, _)| case_root(&case.id, part))
        .collect();
    let read_only = |m: &Meeting, who: &Caller| -> Vec<String> {
        m.read_only_roots(who).into_iter().map(|r| r.name).collect()
    };
    assert_eq!(read_only(&meeting, &person("b")), intake);
    assert!(read_only(&meeting, &person("a")).is_empty());
    assert!(read_only(&meeting, &facilitator()).is_empty());

    assert_eq!(
        run(&mut meeting, &person("b"), follow_up("2027-01-12")),
        Err(403)
    );
    assert_eq!(
        run(&mut meeting, &person("a"), follow_up("2027-02-30")),
        Err(422)
    );
    run(&mut meeting, &person("a"), follow_up("2027-01-12")).expect("contributor sets it");
    assert_eq!(
        meeting.cases[&1].follow_up,
        Some(FollowUp::Date {
            date: "2027-01-12".into()
        })
    );

    // Locking the table adds the table for b, not for the contributor's own intake.
    run(&mut meeting, &facilitator(), Command::LockTable).expect("lock");
    let for_a = meeting.read_only_roots(&person("a"));
    assert!(for_a.iter().all(|r| r.why == ReadOnlyBecause::TableLocked));
    assert_eq!(for_a.len(), LOCKABLE.len());

    // A new agenda without a case consultation there forgets the case.
    run(
        &mut meeting,
        &facilitator(),
        Command::SetAgenda {
            activities: vec![ActivityKind::CaseConsultation, ActivityKind::Evaluation],
        },
    )
    .expect("agenda");
    assert!(meeting.cases.is_empty());
}

#[test]
fn every_refusal_also_says_why_in_dutch() {
    let mut meeting = meeting_with(&["a", "b"]);
    let ctx = context(&["a", "b"]);
    let attempts = [
        (person("a"), Command::NextStep),
        (person("a"), Command::Hello { name: " ".into() }),
        (facilitator(), Command::PreviousStep),
        (facilitator(), Command::StartTimer { seconds: Some(0) }),
        (facilitator(), Command::PauseTimer),
        (person("a"), Command::CastVote { options: vec![0] }),
        (
            person("a"),
            Command::PickCard {
                card: "Bestaat niet".into(),
                motivation: String::new(),
            },
        ),
        (person("a"), Command::UnpickCard),
        (
            person("a"),
            Command::Adopt {
                virtue: "Geduld".into(),
                member: None,
            },
        ),
        (
            person("a"),
            Command::ReadOut {
                card: Some("Geduld".into()),
            },
        ),
        (
            Caller {
                facilitator_token: false,
                member: None,
            },
            Command::PickCard {
                card: "Geduld".into(),
                motivation: String::new(),
            },
        ),
    ];
    for (caller, command) in attempts {
        let refusal = meeting
            .apply(&caller, command.clone(), &ctx)
            .expect_err("refused");
        let dutch = refusal.reason_nl.clone().unwrap_or_default();
        assert!(
            !dutch.is_empty() && dutch != refusal.reason && dutch.starts_with(char::is_uppercase),
            "{command:?}: {refusal:?}"
        );
    }
}

#[test]
fn the_view_names_members_and_a_question_mark_for_strangers() {
    let meeting = meeting_with(&["a"]);
    let view = meeting.view_for(&person("a"), &context(&["a"]));
    assert_eq!(view.member_name("a"), "Naam a");
    assert_eq!(view.member_name("f"), "Fenna");
    assert_eq!(view.member_name("x"), "?");
}

#[test]
fn the_view_lists_each_step_under_its_old_key() {
    let meeting = meeting_with(&[]);
    let view = meeting.view_for(&facilitator(), &context(&[]));
    let json = serde_json::to_value(&view).expect("json");
    assert_eq!(
        json["agenda"][0],
        serde_json::json!({
            "kind": "virtue_cards",
            "steps": [
                {"key": "cards.round1", "minutes": 20},
                {"key": "cards.round2_groups", "minutes": 20},
                {"key": "cards.round2_plenary", "minutes": 10},
                {"key": "cards.round3_vote", "minutes": 10},
                {"key": "cards.round3_columns", "minutes": 20},
                {"key": "cards.adopt", "minutes": 10},
                {"key": "cards.debrief", "minutes": 10},
            ],
        })
    );
    let back: MeetingView = serde_json::from_value(json).expect("the client reads it");
    assert_eq!(back, view);
}

#[test]
fn a_member_clears_a_flagged_text_once_and_the_meeting_records_who_and_when() {
    let mut meeting = meeting_with(&["a"]);
    let ctx = context(&["a"]);
    let clear = |text: &str| Command::ClearFlag { text: text.into() };
    meeting
        .apply(&person("a"), clear("06-12345678"), &ctx)
        .expect("a flagged phone number can be cleared");
    meeting
        .apply(&facilitator(), clear("06-12345678"), &ctx)
        .expect("clearing it again changes nothing");
    assert_eq!(
        meeting.cleared,
        [ClearedText {
            text: "06-12345678".into(),
            by: "a".into(),
            at_ms: 1_000_000,
        }]
    );
    assert!(meeting.is_cleared("06-12345678"));
    assert_eq!(
        meeting.view_for(&person("a"), &ctx).cleared,
        ["06-12345678"]
    );
}

#[test]
fn only_what_the_guard_flags_whole_can_be_cleared_and_only_by_a_member() {
    let mut meeting = meeting_with(&["a"]);
    let ctx = context(&["a"]);
    let clear = |text: &str| Command::ClearFlag { text: text.into() };
    for (text, why) in [
        ("Geduld", "nothing flagged"),
        ("Bel 06-12345678 morgen", "more than the flagged text"),
        ("", "empty"),
    ] {
        let refused = meeting
            .apply(&person("a"), clear(text), &ctx)
            .expect_err(why);
        assert_eq!(refused.status, 422, "{why}");
    }
    let long = format!("{}@example.org", "a".repeat(MAX_CLEARED_CHARS));
    assert_eq!(
        meeting
            .apply(&person("a"), clear(&long), &ctx)
            .map_err(|r| r.status),
        Err(422)
    );
    let stranger = Caller {
        facilitator_token: false,
        member: None,
    };
    assert!(meeting
        .apply(&stranger, clear("06-12345678"), &ctx)
        .is_err());
    assert!(meeting.cleared.is_empty(), "nothing was recorded");
}
