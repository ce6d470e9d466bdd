//! Runs a reference implementation from `tests/peers` over a corpus: one JSON string per line
//! in, one JSON object per line out.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

pub fn run(script: &str, texts: &[String]) -> Vec<Value> {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    let peers = manifest.join("../../tests/peers");
    assert!(
        peers.join("node_modules").exists(),
        "the reference implementations are not installed: run `npm ci` in {} (cargo xtask test does)",
        peers.display()
    );
    let mut child = Command::new("node")
        .arg(peers.join(script))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start node: {e}"));
    let mut input = String::new();
    for text in texts {
        input.push_str(&serde_json::to_string(text).unwrap());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        output.status.success(),
        "{script} failed: {}",
        output.status
    );
    let answers: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        answers.len(),
        texts.len(),
        "{script} answered {} of {} lines",
        answers.len(),
        texts.len()
    );
    answers
}

/// Compares `ours(text)` with the reference answer for each text, field by field: every
/// disagreement described (text, field, both answers), and the count per field.
pub fn disagreements(
    texts: &[String],
    reference: &[Value],
    fields: &[&str],
    ours: impl Fn(&str) -> Value,
    name: &str,
) -> (Vec<String>, Vec<usize>) {
    let mut found = Vec::new();
    let mut per_field = vec![0; fields.len()];
    for (text, expected) in texts.iter().zip(reference) {
        let got = ours(text);
        for (i, field) in fields.iter().enumerate() {
            if got[field] != expected[field] {
                per_field[i] += 1;
                found.push(format!(
                    "{field} for {text:?}:\n    podium: {}\n    {name}: {}",
                    got[field], expected[field]
                ));
            }
        }
    }
    (found, per_field)
}

/// Fails with the first disagreements, if there are any.
pub fn assert_none(disagreements: &[String]) {
    assert!(
        disagreements.is_empty(),
        "{} disagreements; the first ones:\n{}",
        disagreements.len(),
        disagreements
            .iter()
            .take(12)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
