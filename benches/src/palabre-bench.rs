//! `palabre-bench`: runs Palabre's real binaries through a call and prints what it cost. It prints figures and
//! never judges them; docs/BENCHMARKS.md keeps their history.

mod error;
mod machine;
mod process;
mod report;
mod server;
mod table;
mod two_party;
mod work_dir;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(version, about = "Run Palabre's real binaries through a call and print what it cost")]
struct Cli {
    #[command(subcommand)]
    bench: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// Two participants call each other through the embedded server, each a separate process on this machine.
    TwoParty(TwoPartyArgs),
}

#[derive(clap::Args)]
struct TwoPartyArgs {
    /// How long each participant stays in the call after joining.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    seconds: u64,
    /// Test-pattern size each participant sends, WIDTHxHEIGHT.
    #[arg(long, default_value = "640x360", value_parser = check_size)]
    size: String,
    /// Test-pattern frame rate each participant sends.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=60))]
    fps: u32,
    /// Where palabre-server and palabre-cli are.
    #[arg(long, default_value = "target/release")]
    bin_dir: PathBuf,
}

fn check_size(text: &str) -> Result<String, String> {
    let numbers = text.split_once('x').and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)));
    match numbers {
        Some((w, h)) if w > 0 && h > 0 => Ok(format!("{w}x{h}")),
        _ => Err("expected WIDTHxHEIGHT, for example 640x360".into()),
    }
}

fn main() -> ExitCode {
    let Bench::TwoParty(args) = Cli::parse().bench;
    let settings = two_party::Settings { seconds: args.seconds, size: args.size, fps: args.fps, bin_dir: args.bin_dir };
    eprintln!(
        "palabre-bench: a {} s two-party call, {} at {} fps each way…",
        settings.seconds, settings.size, settings.fps
    );
    let rows = match two_party::run(&settings) {
        Ok(rows) => rows,
        Err(error) => {
            eprintln!("palabre-bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    let command: Vec<String> = std::env::args().map(|arg| quote(&arg)).collect();
    println!("command:  {}", command.join(" "));
    println!(
        "settings: two-party --seconds {} --size {} --fps {} --bin-dir {}",
        settings.seconds,
        settings.size,
        settings.fps,
        quote(&settings.bin_dir.to_string_lossy())
    );
    println!("commit:   {}", machine::commit().unwrap_or_else(|| "unknown (not a Git work tree)".into()));
    println!("machine:  {}", machine::describe());
    println!();
    print!("{}", table::render(&rows));
    println!();
    println!("1st video/audio ms: from the participant's start, link in hand, to its first remote frame decoded.");
    println!("video decoded/sent: frames decoded from the other participant over all the frames it sent.");
    println!("CPU % core: CPU time (user + system) over the process's life; all processes share this machine.");
    ExitCode::SUCCESS
}

/// `arg` as a shell would need it typed.
fn quote(arg: &str) -> String {
    let plain = !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}
