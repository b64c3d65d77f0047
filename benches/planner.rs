//! The schedule assistant on generated summits (`domain::planner::sample`) of 30, 60, 150 and
//! 300 sessions: time to the first plan keeping every hard rule, time to the proven optimum or
//! the gap at the time limit, and peak memory. Each size runs in a process of its own so that
//! its peak resident memory (VmHWM) is its own.
//!
//! `cargo bench --bench planner` (all sizes, 10 s limit); `PLANNER_LIMIT=30` for another limit;
//! `cargo bench --bench planner -- 150` for one size.

use convene::domain::planner::{Outcome, ProposalOptions, evaluate, propose, sample};
use std::process::Command;

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn run(size: usize, limit: u32) {
    let problem = sample::generated(size, 2026);
    let options = ProposalOptions {
        time_limit_seconds: limit,
        ..ProposalOptions::default()
    };
    let started = std::time::Instant::now();
    let outcome = propose(&problem, &options);
    let wall = started.elapsed().as_millis();
    match outcome {
        Outcome::Plan {
            placements, stats, ..
        } => {
            let (violations, score) = evaluate(&problem, &options, &placements);
            println!(
                "| {size} | {} | {} | {} ms | {:?} | {:.1} % | {} | {} | {} | {:.1} MiB |",
                stats.candidates,
                stats
                    .first_feasible_ms
                    .map_or("-".into(), |ms| format!("{ms} ms")),
                wall,
                stats.status,
                stats.gap * 100.0,
                score.display_zone_minutes_outside,
                score.weighted_total,
                violations.len(),
                peak_kib() as f64 / 1024.0
            );
        }
        Outcome::Infeasible { rules, stats, .. } => println!(
            "| {size} | {} | infeasible ({} rules) | {wall} ms | | | | | | {:.1} MiB |",
            stats.candidates,
            rules.len(),
            peak_kib() as f64 / 1024.0
        ),
        Outcome::Unknown { stats } => println!(
            "| {size} | {} | none within the limit | {wall} ms | | | | | | {:.1} MiB |",
            stats.candidates,
            peak_kib() as f64 / 1024.0
        ),
    }
}

fn main() {
    let limit = std::env::var("PLANNER_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if let [size] = sizes.as_slice() {
        run(*size, limit);
        return;
    }
    println!("time limit {limit} s");
    println!(
        "| sessions | candidates | first feasible | total | status | gap | display min outside | weighted | violations | peak memory |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let me = std::env::current_exe().expect("the bench's own path");
    for size in [30, 60, 150, 300] {
        let status = Command::new(&me)
            .arg(size.to_string())
            .arg("--bench")
            .status()
            .expect("run one size");
        assert!(status.success(), "size {size} failed");
    }
}
