//! Teams across meetings (docs/PROTOCOL.md, "Teams"): a team collects its meetings, its
//! draft visitation pack is put together from what was written in them (leaving out
//! what the privacy guard flagged), only the facilitator approves it, and nothing is
//! downloaded before that. A member of the team who tries facilitator actions is refused,
//! as are wrong tokens, unknown teams and junk; concurrent changes all land; a restart
//! loses nothing; a meeting whose stored state is damaged is shown as unreadable while
//! the rest of the team goes on.

use std::time::{Duration, Instant};

use leerkring_shared::api::{BoardCreated, TeamCreated};
use leerkring_shared::model::{
    case_part, case_root, debrief_answers, note, row, DEBRIEF_YIELD, ITEM_ID, VIRTUE_TABLE,
};
use leerkring_tests::{request, text_update, MeetingClient, ServerProcess};
use serde_json::{json, Value};
use yrs::{Any, Array, Doc, Map, MapPrelim, TextPrelim, Transact};

const PATIENCE: Duration = Duration::from_secs(10);

/// An update that appends one item with these shared texts to the list at `root`.
fn item_update(root: &str, id: &str, texts: &[(&str, &str)]) -> Vec<u8> {
    let doc = Doc::new();
    let list = doc.get_or_insert_array(root);
    let mut txn = doc.transact_mut();
    let item = list.push_back(&mut txn, MapPrelim::from([(ITEM_ID, Any::from(id))]));
    for (key, text) in texts {
        item.insert(&mut txn, *key, TextPrelim::new(*text));
    }
    txn.encode_update_v1()
}

struct TeamServer {
    _dir: tempfile::TempDir,
    server: ServerProcess,
    team: TeamCreated,
}

impl TeamServer {
    async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = ServerProcess::start(dir.path(), &[]);
        let (status, body) = request(
            &server,
            reqwest::Method::POST,
            "/api/teams",
            None,
            Some(json!({"name": "Wijkteam Noord – Coöperatief"})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let team = serde_json::from_value(body).expect("team created body");
        Self {
            _dir: dir,
            server,
            team,
        }
    }

    fn path(&self, rest: &str) -> String {
        format!("/api/teams/{}{rest}", self.team.team_id)
    }

    async fn page(&self, token: &str) -> (u16, Value) {
        request(
            &self.server,
            reqwest::Method::GET,
            &self.path(""),
            Some(token),
            None,
        )
        .await
    }

    async fn command(&self, token: &str, command: Value) -> (u16, Value) {
        let path = self.path("/commands");
        request(
            &self.server,
            reqwest::Method::POST,
            &path,
            Some(token),
            Some(command),
        )
        .await
    }

    async fn new_meeting(&self, title: &str) -> BoardCreated {
        let path = self.path("/meetings");
        let (status, body) = request(
            &self.server,
            reqwest::Method::POST,
            &path,
            Some(&self.team.facilitator_token),
            Some(json!({"title": title, "waiting_room": false})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        serde_json::from_value(body).expect("board created body")
    }

    /// The facilitator's team page once `ready` holds for it.
    async fn page_when(&self, what: &str, ready: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let (status, page) = self.page(&self.team.facilitator_token).await;
            assert_eq!(status, 200, "{page}");
            if ready(&page) {
                return page;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what}; last page: {page}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Downloads the pack in `format`: the status, the headers and the bytes.
async fn export(
    team: &TeamServer,
    token: &str,
    format: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let url = team
        .server
        .http_url(&team.path(&format!("/export?format={format}")));
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("export request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("export body").to_vec();
    (status, headers, bytes)
}

/// The files in a zip: names and contents.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|index| {
            let mut file = archive.by_index(index).expect("a file in the zip");
            let mut contents = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut contents).expect("unzipped");
            let name = file
                .name()
                .map(|name| name.to_string())
                .expect("a UTF-8 file name");
            (name, contents)
        })
        .collect()
}

/// The text a person would read in a file: `pdftotext` for the PDF, the document part
/// of the DOCX, the JSON's strings unescaped, the other files as they are.
fn readable_text(name: &str, bytes: &[u8]) -> String {
    if name.ends_with(".pdf") {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("pack.pdf");
        std::fs::write(&path, bytes).expect("pdf written");
        let output = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext runs (poppler-utils)");
        assert!(output.status.success(), "pdftotext reads the PDF");
        return String::from_utf8(output.stdout).expect("text");
    }
    if name.ends_with(".docx") {
        let parts = unzip(bytes);
        let (_, xml) = parts
            .iter()
            .find(|(part, _)| part == "word/document.xml")
            .expect("word/document.xml");
        return String::from_utf8(xml.clone()).expect("xml");
    }
    if name.ends_with(".json") {
        let pack: Value = serde_json::from_slice(bytes).expect("json");
        return pack.to_string();
    }
    String::from_utf8(bytes.to_vec()).expect("utf-8 text")
}

fn add_point(text: &str) -> Value {
    json!({"type": "add_point", "text": text, "criterion": "Iedereen kan het uitleggen", "source": null})
}

#[tokio::test]
async fn the_pack_is_put_together_from_the_teams_meetings_without_flagged_text() {
    let team = TeamServer::start().await;
    let first = team.new_meeting("Bijeenkomst 1: deugden").await;
    let second = team.new_meeting("Bijeenkomst 2: omgangsoverleg").await;
    let id = first.board_id.as_str();
    let mut facilitator =
        MeetingClient::connect(&team.server.ws_url(id, &first.facilitator_token)).await;
    facilitator.hello("Fenna").await.expect("hello");
    let mut anna = MeetingClient::connect(&team.server.ws_url(id, &first.participant_token)).await;
    anna.hello("Anna").await.expect("hello");
    anna.send_update(&item_update(
        VIRTUE_TABLE,
        "r1",
        &[
            (row::TOO_LITTLE, "Onverschillig"),
            (row::VIRTUE, "Betrokkenheid – één"),
            (row::TOO_MUCH, "Overbezorgd"),
        ],
    ));
    // The cards activity is first on the default agenda; its debrief answers:
    let answers = debrief_answers(0, DEBRIEF_YIELD);
    anna.send_update(&item_update(
        &answers,
        "a1",
        &[(note::TEXT, "We zagen elkaars sterke kanten")],
    ));
    anna.send_update(&item_update(
        &answers,
        "a2",
        &[(note::TEXT, "Mevrouw met BSN 111222333 belde")],
    ));

    // The second meeting: a case with a lesson.
    let id = second.board_id.as_str();
    let mut lead = MeetingClient::connect(&team.server.ws_url(id, &second.facilitator_token)).await;
    lead.hello("Fenna").await.expect("hello");
    let mut bram = MeetingClient::connect(&team.server.ws_url(id, &second.participant_token)).await;
    bram.hello("Bram").await.expect("hello");
    lead.command(json!({"type": "go_to_step", "activity": 1, "step": 0}))
        .await
        .expect("to the case");
    lead.command(json!({"type": "name_contributor", "member": bram.member_id()}))
        .await
        .expect("bram brings the case");
    let case_id = bram
        .wait_view("bram sees his case", |view| {
            view["cases"]["1"]["id"].is_string()
        })
        .await["cases"]["1"]["id"]
        .as_str()
        .expect("case id")
        .to_owned();
    bram.send_update(&text_update(
        &case_root(&case_id, case_part::TITLE),
        "De vergeten afspraak",
    ));
    bram.send_update(&item_update(
        &case_root(&case_id, case_part::LESSONS),
        "l1",
        &[(note::TEXT, "Eerst vragen, dan invullen")],
    ));

    let page = team
        .page_when("both meetings' work in the draft", |page| {
            page["draft"]["cases"][0]["lessons"][0] == json!("Eerst vragen, dan invullen")
                && page["draft"]["meetings"][0]["debrief"]
                    .as_array()
                    .map(Vec::len)
                    == Some(1)
                && page["draft"]["compass"]["table"][0]["virtue"] == json!("Betrokkenheid – één")
        })
        .await;
    let draft = &page["draft"];
    assert_eq!(page["role"], json!("facilitator"));
    assert_eq!(page["meetings"].as_array().map(Vec::len), Some(2));
    assert!(page["meetings"][0]["url"]
        .as_str()
        .is_some_and(|url| url.ends_with(&first.facilitator_token)));
    assert_eq!(draft["team"], json!("Wijkteam Noord – Coöperatief"));
    assert_eq!(
        draft["meetings"][0]["title"],
        json!("Bijeenkomst 1: deugden")
    );
    assert_eq!(draft["meetings"][0]["present"], json!(2));
    assert_eq!(draft["cases"][0]["title"], json!("De vergeten afspraak"));
    assert!(draft["period"]["from"].is_string());
    // The debrief answer with a BSN nobody cleared is left out, and said to be.
    let text = draft.to_string();
    assert!(!text.contains("111222333"), "flagged text left out: {text}");
    assert_eq!(draft["withheld"][0]["kinds"], json!(["een BSN"]));
    assert!(draft["quality"]["doing_well"]
        .as_array()
        .is_some_and(|items| items.contains(&json!("We zagen elkaars sterke kanten"))));
    assert!(draft["quality"]["can_improve"]
        .as_array()
        .is_some_and(|items| items.contains(&json!("Eerst vragen, dan invullen"))));

    // Approved and downloaded as a zip: every file in it says what the team wrote, with
    // Dutch characters intact and the flagged BSN nowhere.
    let (status, approved) = team
        .command(&team.team.facilitator_token, json!({"type": "approve"}))
        .await;
    assert_eq!(status, 200, "{approved}");
    let (status, _, zip) = export(&team, &team.team.member_token, "zip").await;
    assert_eq!(status, 200);
    let files = unzip(&zip);
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    for expected in [
        "bezoekpakket.pdf",
        "bezoekpakket.docx",
        "bezoekpakket.md",
        "bezoekpakket.json",
        "deugdentabel.csv",
        "ontwikkelpunten.csv",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    for (name, bytes) in &files {
        let text = readable_text(name, bytes);
        assert!(!text.contains("111222333"), "{name} leaves the BSN out");
        if name.starts_with("bezoekpakket.") || name == "deugdentabel.csv" {
            // (A narrow table column may wrap the virtue over two lines in the PDF.)
            assert!(
                text.contains("Betrokkenheid") && text.contains("één"),
                "{name} holds the table: {text}"
            );
        }
        if name.starts_with("bezoekpakket.") {
            assert!(
                text.contains("Eerst vragen, dan invullen"),
                "{name} holds the lesson"
            );
        }
    }

    // Members see the participants' links, never the facilitator's.
    let (status, member_page) = team.page(&team.team.member_token).await;
    assert_eq!(status, 200);
    assert_eq!(member_page["role"], json!("participant"));
    assert!(member_page.get("member_url").is_none());
    assert!(member_page["meetings"][0]["url"]
        .as_str()
        .is_some_and(|url| url.ends_with(&first.participant_token)));
}

#[tokio::test]
async fn only_the_facilitator_approves_and_a_member_who_cheats_changes_nothing() {
    let team = TeamServer::start().await;
    let member = team.team.member_token.clone();
    let facilitator = team.team.facilitator_token.clone();
    assert_eq!(
        team.command(&member, add_point("Vaker samen nabespreken"))
            .await
            .0,
        200
    );
    let (_, before) = team.page(&facilitator).await;
    let point = before["points"][0]["id"]
        .as_str()
        .expect("point id")
        .to_owned();

    // Approving with nothing to report is refused, even for the facilitator.
    let (status, body) = team.command(&facilitator, json!({"type": "approve"})).await;
    assert_eq!(
        (status, &body["error"]),
        (409, &json!("there are no meetings to report on yet"))
    );

    team.new_meeting("Bijeenkomst 1").await;
    let forbidden = json!("only the facilitator may do this");
    for cheat in [
        json!({"type": "approve"}),
        json!({"type": "withdraw_approval"}),
        json!({"type": "remove_point", "id": point}),
    ] {
        let (status, body) = team.command(&member, cheat.clone()).await;
        assert_eq!((status, &body["error"]), (403, &forbidden), "{cheat}");
    }
    let (status, body) = request(
        &team.server,
        reqwest::Method::POST,
        &team.path("/meetings"),
        Some(&member),
        Some(json!({"title": "Stiekem"})),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (_, after) = team.page(&facilitator).await;
    assert_eq!(after["approval"], Value::Null);
    assert_eq!(after["points"], before["points"]);
    assert_eq!(after["meetings"].as_array().map(Vec::len), Some(1));

    // Nothing downloads before the approval.
    let (status, _, body) = export(&team, &member, "pdf").await;
    assert_eq!(status, 409, "{}", String::from_utf8_lossy(&body));
    assert_eq!(export(&team, &facilitator, "zip").await.0, 409);

    // The facilitator approves; a change afterwards makes the approval out of date.
    let (status, approved) = team.command(&facilitator, json!({"type": "approve"})).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["approval"]["up_to_date"], json!(true));
    assert!(approved["approval"]["approved_on"].is_string());
    team.command(&member, add_point("Elkaar vaker complimenteren"))
        .await;
    let (_, changed) = team.page(&member).await;
    assert_eq!(changed["approval"]["up_to_date"], json!(false));
}

#[tokio::test]
async fn wrong_tokens_unknown_teams_and_junk_get_clear_errors() {
    let team = TeamServer::start().await;
    let facilitator = team.team.facilitator_token.clone();
    let wrong = "x".repeat(43);
    assert_eq!(team.page(&wrong).await.0, 401);
    assert_eq!(team.page("short").await.0, 401);
    let (status, _) = request(
        &team.server,
        reqwest::Method::GET,
        &team.path(""),
        None,
        None,
    )
    .await;
    assert_eq!(status, 401);
    for unknown in [
        "/api/teams/AAAAAAAAAAAAAAAAAAAAAA",
        "/api/teams/..%2F..%2Fetc",
    ] {
        let (status, body) = request(
            &team.server,
            reqwest::Method::GET,
            unknown,
            Some(&facilitator),
            None,
        )
        .await;
        assert_eq!(
            (status, &body["error"]),
            (404, &json!("no such team")),
            "{unknown}"
        );
    }
    // Malformed, unknown and oversized commands.
    let path = team.path("/commands");
    let (status, _) = team
        .command(&facilitator, json!({"type": "become_admin"}))
        .await;
    assert_eq!(status, 422);
    let (status, _) = team
        .command(&facilitator, json!({"type": "add_point"}))
        .await;
    assert_eq!(status, 422);
    let (status, body) = team
        .command(&facilitator, add_point("Bel 06-12345678 terug"))
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error_nl"]
        .as_str()
        .is_some_and(|text| text.contains("telefoonnummer")));
    let (status, body) = team
        .command(
            &facilitator,
            json!({"type": "update_point", "id": "nope", "text": "x", "criterion": "", "status": "open", "reason": "", "needs": ""}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]),
        (404, &json!("no such development point"))
    );
    let huge = add_point(&"a".repeat(100_000));
    let (status, _) = request(
        &team.server,
        reqwest::Method::POST,
        &path,
        Some(&facilitator),
        Some(huge),
    )
    .await;
    assert_eq!(status, 413);
    let (status, _) = request(
        &team.server,
        reqwest::Method::POST,
        "/api/teams",
        None,
        Some(json!({"name": "  "})),
    )
    .await;
    assert_eq!(status, 422);
    let (_, page) = team.page(&facilitator).await;
    assert_eq!(page["points"], json!([]), "nothing was accepted");
}

#[tokio::test]
async fn concurrent_changes_all_land_and_survive_a_crash() {
    let mut team = TeamServer::start().await;
    let token = team.team.member_token.clone();
    let changes = (0..16).map(|n| {
        let command = add_point(&format!("Ontwikkelpunt {n}"));
        let (team, token) = (&team, &token);
        async move { team.command(token, command).await.0 }
    });
    let statuses = futures_util::future::join_all(changes).await;
    assert!(statuses.iter().all(|status| *status == 200), "{statuses:?}");
    let (_, page) = team.page(&token).await;
    assert_eq!(
        page["points"].as_array().map(Vec::len),
        Some(16),
        "no change lost"
    );

    // A power cut, then a new server on the same data dir.
    let dir = team._dir.path().to_owned();
    team.server.kill();
    team.server = ServerProcess::start(&dir, &[]);
    let (status, again) = team.page(&token).await;
    assert_eq!(status, 200);
    assert_eq!(again["points"], page["points"]);
}

impl TeamServer {
    /// Stops the server (SIGTERM: it flushes every board), runs `meanwhile` on the data
    /// dir, and starts the server again on it.
    fn restart_after(self, meanwhile: impl FnOnce(&std::path::Path)) -> Self {
        let Self { _dir, server, team } = self;
        server.stop();
        meanwhile(_dir.path());
        let server = ServerProcess::start(_dir.path(), &[]);
        Self { _dir, server, team }
    }
}

#[tokio::test]
async fn a_meeting_that_cannot_be_read_is_shown_as_such_and_the_team_carries_on() {
    let team = TeamServer::start().await;
    let meetings = [
        team.new_meeting("Eerste bijeenkomst").await,
        team.new_meeting("Geheim overleg").await,
        team.new_meeting("Derde bijeenkomst").await,
    ];
    let answers = debrief_answers(0, DEBRIEF_YIELD);
    let written = ["Goed geluisterd", "Niet meer te lezen", "Samen gelachen"];
    let mut members = Vec::new();
    for (meeting, text) in meetings.iter().zip(written) {
        let url = team
            .server
            .ws_url(meeting.board_id.as_str(), &meeting.participant_token);
        let mut member = MeetingClient::connect(&url).await;
        member.hello("Anna").await.expect("hello");
        member.send_update(&item_update(&answers, "a1", &[(note::TEXT, text)]));
        members.push(member);
    }
    team.page_when("every meeting's answer in the draft", |page| {
        (0..3).all(|n| page["draft"]["meetings"][n]["debrief"][0]["text"] == json!(written[n]))
    })
    .await;
    drop(members);

    // The second meeting's stored document is damaged (a bad disk, a bad restore): its
    // snapshot no longer holds one intact record, so the board cannot be loaded.
    let team = team.restart_after(|data_dir| {
        let snapshot = data_dir
            .join("boards")
            .join(meetings[1].board_id.as_str())
            .join("snapshot.bin");
        std::fs::write(snapshot, b"kapot").expect("damage the snapshot");
    });

    let (status, page) = team.page(&team.team.facilitator_token).await;
    assert_eq!(status, 200, "the team page still answers: {page}");
    let listed = page["meetings"].as_array().expect("meetings");
    assert_eq!(listed.len(), 3, "{page}");
    assert_eq!(listed[1]["unreadable"], json!(true));
    assert!(listed[1].get("url").is_none(), "no link into it: {page}");
    for readable in [&listed[0], &listed[2]] {
        assert_eq!(readable["unreadable"], json!(false));
        assert!(readable["url"].is_string());
    }
    let draft = &page["draft"]["meetings"];
    assert_eq!(draft[1]["unreadable"], json!(true));
    assert_eq!(draft[1]["date"], listed[1]["date"]);
    assert_eq!(
        draft[1]["title"],
        json!(format!(
            "Bijeenkomst van {}",
            leerkring_shared::pack::dutch_date(listed[1]["date"].as_str().expect("date"))
        )),
        "named by its date only"
    );
    assert_eq!(draft[1]["debrief"], json!([]));
    assert_eq!(draft[0]["debrief"][0]["text"], json!("Goed geluisterd"));
    assert_eq!(draft[2]["debrief"][0]["text"], json!("Samen gelachen"));
    let pack_text = page["draft"].to_string();
    assert!(
        !pack_text.contains("Geheim overleg") && !pack_text.contains("Niet meer te lezen"),
        "nothing of the unreadable meeting in the pack: {pack_text}"
    );
    assert!(
        team.server
            .log()
            .iter()
            .any(|line| line.contains("shown as unreadable")),
        "the damage is logged"
    );
    let (status, member_page) = team.page(&team.team.member_token).await;
    assert_eq!(status, 200, "{member_page}");
    assert_eq!(member_page["meetings"][1]["unreadable"], json!(true));

    // Approval and export work, with the unreadable meeting in the pack by its date.
    let (status, approved) = team
        .command(&team.team.facilitator_token, json!({"type": "approve"}))
        .await;
    assert_eq!(status, 200, "{approved}");
    assert!(
        approved["approval"]["up_to_date"] == json!(true),
        "{approved}"
    );
    let (status, _, json_pack) = export(&team, &team.team.member_token, "json").await;
    assert_eq!(status, 200);
    let exported: Value = serde_json::from_slice(&json_pack).expect("pack json");
    assert_eq!(exported["meetings"][1]["unreadable"], json!(true));
    assert_eq!(
        exported["meetings"][2]["debrief"][0]["text"],
        json!("Samen gelachen")
    );
    let (status, _, markdown) = export(&team, &team.team.member_token, "md").await;
    assert_eq!(status, 200);
    let markdown = String::from_utf8(markdown).expect("utf-8");
    assert!(
        markdown.contains("Deze bijeenkomst kon niet worden gelezen."),
        "{markdown}"
    );
    assert!(!markdown.contains("Niet meer te lezen"));
}

#[tokio::test]
async fn the_pack_trusts_only_texts_cleared_through_the_server_not_flags_written_into_the_document()
{
    let team = TeamServer::start().await;
    let board = team.new_meeting("Bijeenkomst 1: deugden").await;
    let id = board.board_id.as_str();
    let mut fenna = MeetingClient::connect(&team.server.ws_url(id, &board.facilitator_token)).await;
    fenna.hello("Fenna").await.expect("hello");
    let mut anna = MeetingClient::connect(&team.server.ws_url(id, &board.participant_token)).await;
    anna.hello("Anna").await.expect("hello");
    let answers = debrief_answers(0, DEBRIEF_YIELD);
    anna.send_update(&item_update(
        &answers,
        "a1",
        &[(note::TEXT, "Bel 06-12345678 voor de sleutel")],
    ));
    // A cheater writes "cleared" straight into the document, where the old client kept it.
    let forged = {
        let doc = Doc::new();
        let cleared = doc.get_or_insert_map("privacy_vrijgegeven");
        let mut txn = doc.transact_mut();
        cleared.insert(&mut txn, "06-12345678", "Anna");
        txn.encode_update_v1()
    };
    anna.send_update(&forged);
    let page = team
        .page_when("the flagged answer withheld", |page| {
            page["draft"]["withheld"][0]["kinds"] == json!(["een telefoonnummer"])
        })
        .await;
    assert!(
        !page["draft"].to_string().contains("06-12345678"),
        "a flag written into the document clears nothing"
    );

    // Clearing goes through the server, which checks the guard flags exactly that text.
    let refused = anna
        .command(json!({"type": "clear_flag", "text": "Bel 06-12345678 voor de sleutel"}))
        .await
        .expect_err("more than the flagged text");
    assert_eq!(refused.0, 422, "{}", refused.1);
    let refused = anna
        .command(json!({"type": "clear_flag", "text": "Geduld"}))
        .await
        .expect_err("nothing flagged");
    assert_eq!(refused.0, 422, "{}", refused.1);
    // A fresh member key that never said hello cannot clear anything over HTTP either.
    let (status, body) = team
        .server
        .command_http(
            id,
            &board.participant_token,
            Some(&leerkring_tests::random_member_key()),
            &json!({"type": "clear_flag", "text": "06-12345678"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    anna.command(json!({"type": "clear_flag", "text": "06-12345678"}))
        .await
        .expect("anna clears the flagged number");
    let view = fenna
        .wait_view("everyone sees it cleared", |view| {
            view["cleared"] == json!(["06-12345678"])
        })
        .await;
    assert_eq!(view["cleared"], json!(["06-12345678"]));
    let page = team
        .page_when("the cleared answer in the draft", |page| {
            page["draft"]["meetings"][0]["debrief"]
                .to_string()
                .contains("06-12345678")
        })
        .await;
    assert_eq!(page["draft"]["withheld"], json!([]));
}
