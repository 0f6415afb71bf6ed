//! Backup and restore (`leerkring-server backup` / `restore`): a backup taken while a
//! writer types and the store compacts holds everything that was broadcast before it
//! started, and restore refuses what it must.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use leerkring_tests::{eventually, server_binary, ServerProcess, YClient};

const PATIENCE: Duration = Duration::from_secs(20);
const BACKUPS: usize = 8;

/// Runs `leerkring-server ARGS` to its end.
async fn run_command(args: &[&str], paths: &[&Path]) -> Output {
    let mut command = tokio::process::Command::new(server_binary());
    command.args(args);
    for path in paths {
        command.arg(path);
    }
    command
        .env_remove("REDIS_URL")
        .env_remove("LEERKRING_DATA_DIR")
        .output()
        .await
        .expect("run leerkring-server")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn back_up(data_dir: &Path, to: &Path) -> Output {
    let mut command = tokio::process::Command::new(server_binary());
    command
        .arg("backup")
        .arg("--to")
        .arg(to)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("REDIS_URL");
    command.output().await.expect("run backup")
}

async fn restore(from: &Path, data_dir: &Path, force: bool) -> Output {
    let mut command = tokio::process::Command::new(server_binary());
    command
        .arg("restore")
        .arg("--from")
        .arg(from)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("REDIS_URL");
    if force {
        command.arg("--force");
    }
    command.output().await.expect("run restore")
}

fn compactions(server: &ServerProcess) -> usize {
    server
        .log()
        .iter()
        .filter(|line| line.contains("compacted"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_during_a_storm_of_edits_restores_everything_seen_before_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(
        dir.path(),
        &[
            "--compact-after-updates",
            "20",
            "--message-burst",
            "100000",
            "--messages-per-second",
            "100000",
        ],
    );
    let board = server.create_board("Reservekopie").await;
    let id = board.board_id.as_str().to_owned();
    let url = server.ws_url(&id, &board.participant_token);
    let writer = YClient::connect(&url).await;
    let witness = YClient::connect(&url).await;

    let typing = Arc::new(AtomicBool::new(true));
    let keep_typing = Arc::clone(&typing);
    let storm = tokio::spawn(async move {
        let mut n = 0u64;
        while keep_typing.load(Ordering::Relaxed) {
            writer.push_item("items", &format!("item-{n}"));
            n += 1;
            if n.is_multiple_of(4) {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        n
    });

    let backups = tempfile::tempdir().expect("temp dir");
    let mut taken = Vec::new();
    for round in 0..BACKUPS {
        let floor = (round + 1) * 200;
        eventually("the witness sees the storm", PATIENCE, || {
            witness.read_items("items").len() >= floor
        })
        .await;
        // Broadcast, hence stored, before the backup starts.
        let seen: BTreeSet<String> = witness.read_items("items").into_iter().collect();
        let compacted_before = compactions(&server);
        let to = backups.path().join(format!("backup-{round}"));
        let output = back_up(dir.path(), &to).await;
        assert!(
            output.status.success(),
            "backup failed: {}",
            stderr(&output)
        );
        assert!(to.join("MANIFEST.json").is_file());
        taken.push((to, seen, compactions(&server) - compacted_before));
    }

    // Restoring into the data dir a server runs on is refused by its lock.
    let output = restore(&taken[0].0, dir.path(), true).await;
    assert!(!output.status.success(), "restore under a running server");
    assert!(stderr(&output).contains("locked"), "{}", stderr(&output));

    typing.store(false, Ordering::Relaxed);
    let typed = storm.await.expect("the storm ends");
    let total_compactions = compactions(&server);
    assert!(
        total_compactions >= 20,
        "the test means something only if the store compacted often ({total_compactions} compactions, {typed} items)"
    );
    drop(witness);
    server.stop();

    for (to, seen, compacted_during) in &taken {
        let fresh = tempfile::tempdir().expect("temp dir");
        let output = restore(to, fresh.path(), false).await;
        assert!(
            output.status.success(),
            "restore failed: {}",
            stderr(&output)
        );
        let restored = ServerProcess::start(fresh.path(), &[]);
        let reader = YClient::connect(&restored.ws_url(&id, &board.participant_token)).await;
        let stored: BTreeSet<String> = reader.read_items("items").into_iter().collect();
        let lost: Vec<&String> = seen.difference(&stored).collect();
        assert!(
            lost.is_empty(),
            "{} of {} items seen before the backup are missing after restoring it \
             ({compacted_during} compactions during it), e.g. {:?}",
            lost.len(),
            seen.len(),
            lost.iter().take(5).collect::<Vec<_>>()
        );
        drop(reader);
        restored.stop();

        // The same data dir holds a board now: restoring into it again is refused...
        let output = restore(to, fresh.path(), false).await;
        assert!(!output.status.success(), "restore over a board");
        let message = stderr(&output);
        assert!(
            message.contains("already holds 1 boards") && message.contains("--force"),
            "{message}"
        );
        assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
        // ...unless forced.
        let output = restore(to, fresh.path(), true).await;
        assert!(output.status.success(), "forced: {}", stderr(&output));
    }
}

#[tokio::test]
async fn restore_refuses_a_folder_without_a_manifest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &[]);
    server.create_board("Onvolledig").await;
    let backups = tempfile::tempdir().expect("temp dir");
    let to = backups.path().join("backup");
    let output = back_up(dir.path(), &to).await;
    assert!(output.status.success(), "backup: {}", stderr(&output));
    server.stop();

    // As if the backup had been interrupted before its last step.
    std::fs::remove_file(to.join("MANIFEST.json")).expect("remove the manifest");
    let fresh = tempfile::tempdir().expect("temp dir");
    let output = restore(&to, fresh.path(), false).await;
    assert!(!output.status.success(), "restore without a manifest");
    let message = stderr(&output);
    assert!(
        message.contains("MANIFEST.json") && message.contains("interrupted"),
        "{message}"
    );
    assert!(
        !fresh.path().join("boards").exists(),
        "nothing was restored"
    );

    // A backup into a folder that is not empty is refused too.
    let output = back_up(dir.path(), &to).await;
    assert!(!output.status.success(), "backup into a used folder");
    assert!(stderr(&output).contains("not empty"), "{}", stderr(&output));
}

#[tokio::test]
async fn backup_and_restore_refuse_redis_mode_and_say_what_to_back_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let to = dir.path().join("backup");
    for args in [
        ["backup", "--redis-url", "redis://127.0.0.1:1/", "--to"],
        ["restore", "--redis-url", "redis://127.0.0.1:1/", "--from"],
    ] {
        let output = run_command(&args, &[&to]).await;
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let message = stderr(&output);
        for advice in ["Redis", "BGSAVE", "appendonly", "spool/"] {
            assert!(
                message.contains(advice),
                "{args:?} names {advice}: {message}"
            );
        }
        assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
    }
    assert!(!to.exists(), "nothing was written");
}
