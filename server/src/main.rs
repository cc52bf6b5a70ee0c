//! The `parley` binary: `serve` (default), `migrate`, `seed-demo`, `create-admin`.

use clap::Parser;
use server::config::{Cli, Command, Config, LogFormat};
use server::seed;
use server::state::AppState;
use tracing_subscriber::EnvFilter;

/// mimalloc: less time in allocation and less memory lost to fragmentation than the system
/// allocator under many small, short-lived allocations across threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,leptos=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Pretty => builder.init(),
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging(cli.config.log_format);
    let config = match cli.config.resolve() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("parley: configuration error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parley: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Migrate => {
            let applied = server::db::migrate::run(&config.database).await?;
            println!("{applied} migration(s) applied");
        }
        Command::SeedDemo => {
            let db = server::serve::open(&config).await?;
            let created = seed::seed_demo(&db).await?;
            seed::seed_social(&db).await?;
            println!(
                "Demo accounts ({created} created now), password \"{}\":",
                seed::DEMO_PASSWORD
            );
            for (username, _, role) in seed::demo_accounts() {
                println!("  {username:<10} role {role}");
            }
            println!(
                "Friends, the groups 谈笑有鸿儒 and 往来无白丁, and a few messages are in place."
            );
        }
        Command::CreateAdmin {
            username,
            password,
            promote_existing,
        } => {
            let db = server::serve::open(&config).await?;
            match seed::create_admin(&db, &username, &password, promote_existing).await? {
                seed::AdminCreated::Created => println!("administrator {username} created"),
                seed::AdminCreated::Promoted => {
                    println!("{username} is now an administrator (password unchanged)")
                }
                seed::AdminCreated::PromotedWithNewPassword => println!(
                    "{username} is now an administrator; it had the public demo password, \
                     which was replaced by the one given"
                ),
            }
        }
        Command::BenchFixture {
            users,
            pairs,
            group_size,
            history,
            out,
        } => {
            let db = server::serve::open(&config).await?;
            let spec = server::bench_fixture::Spec {
                users,
                pairs,
                group_size,
                history,
            };
            server::bench_fixture::run(&db, spec, &out).await?;
        }
        Command::Serve => {
            let db = server::serve::open(&config).await?;
            let listener = tokio::net::TcpListener::bind(config.addr)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
            tracing::info!(
                addr = %config.addr,
                database = db.backend_name(),
                "Parley listening: client http://{0}/ admin http://{0}/admin",
                config.addr
            );
            let realtime = server::serve::realtime(&config).await?;
            let store = server::serve::media_store(&config)?;
            let state = AppState::new(config, db, realtime, store);
            server::serve::serve(listener, state, server::serve::shutdown_signal()).await?;
        }
    }
    Ok(())
}
