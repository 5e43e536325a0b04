//! `palabre-server`: host meetings from this machine.
//!
//! Prints exactly two lines on stdout, `host <link>` then `guest <link>`, and logs to stderr.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use palabre_server::{Policy, RoomServer, ServerConfig};

#[derive(Parser)]
#[command(version, about = "Palabre's room server: host a meeting from this machine, with no other infrastructure")]
struct Args {
    /// Address and port to listen on (127.0.0.1:0 picks a free port on this machine only).
    #[arg(long, default_value = "0.0.0.0:7443")]
    listen: SocketAddr,
    /// Room name (letters, digits, '-' and '_'); a readable random one if absent.
    #[arg(long)]
    room: Option<String>,
    /// Where the server keeps its certificate and room tokens.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Guests knock and wait until a moderator admits them (the host link always enters).
    #[arg(long)]
    lobby: bool,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "palabre_server=info,webrtc=warn".into()),
        )
        .init();
    let args = Args::parse();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(async {
        let config = ServerConfig {
            listen: args.listen,
            room: args.room,
            data_dir: args.data_dir.unwrap_or_else(default_data_dir),
            policy: Policy { lobby: args.lobby },
        };
        let server = match RoomServer::start(config).await {
            Ok(server) => server,
            Err(error) => {
                eprintln!("palabre-server: {error}");
                return ExitCode::FAILURE;
            }
        };
        println!("host {}", server.host_link());
        println!("guest {}", server.guest_link());
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("stopping");
        ExitCode::SUCCESS
    })
}

/// `$XDG_DATA_HOME/palabre-server`, `~/.local/share/palabre-server`, or `%APPDATA%\palabre-server`.
fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from))
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("palabre-server")
}
