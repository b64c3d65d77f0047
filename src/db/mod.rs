//! Persistence: the connection, migrations, and the queries handlers need, over sea-orm.

pub mod entities;
pub mod queries;

use std::ops::Deref;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqlxSqliteConnector, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// The database handle every part of the app shares.
///
/// SQLite allows one writer at a time and fails a deferred transaction that tries to upgrade to a
/// writer while another holds the lock ("database is locked") instead of waiting. So on SQLite,
/// write transactions queue on an in-process gate first; readers never wait (WAL mode).
/// PostgreSQL needs no gate: row locks do that job, across processes too.
///
/// Every committed write also moves the data generation on, which is how the cache of public
/// reads knows its copies are stale (see `public_reads`). Other processes' commits reach it
/// too (`follow_other_processes`): by `NOTIFY` on PostgreSQL, by SQLite's `data_version`.
#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    write_gate: Option<Arc<Mutex<()>>>,
    generation: Arc<AtomicU64>,
}

/// The PostgreSQL channel on which commits announce themselves to other processes.
pub const CHANGES_CHANNEL: &str = "convene_changes";

/// A transaction for writing; on SQLite it also holds the write gate until it ends.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _gate: Option<OwnedMutexGuard<()>>,
    generation: Arc<AtomicU64>,
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &Self::Target {
        &self.txn
    }
}

impl WriteTxn {
    /// Commits, and tells every process's cache of public reads that the data changed.
    pub async fn commit(self) -> Result<(), DbErr> {
        if self.txn.get_database_backend() == DbBackend::Postgres {
            // Delivered by PostgreSQL at commit, and only if the commit happens.
            self.txn
                .execute_unprepared(&format!("NOTIFY {CHANGES_CHANNEL}"))
                .await?;
        }
        self.txn.commit().await?;
        self.generation.fetch_add(1, Ordering::Release);
        Ok(())
    }

    /// Commits a write that no public read shows (the outbox's delivery bookkeeping), so
    /// cached programmes and feeds stay valid while thousands of emails go out.
    pub async fn commit_bookkeeping(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

impl Db {
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        if url.starts_with("sqlite:") {
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                .with_context(|| format!("DATABASE_URL is not a valid SQLite URL: {url}"))?
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true);
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await
                .with_context(|| format!("cannot open the SQLite database {url}"))?;
            Ok(Db {
                conn: SqlxSqliteConnector::from_sqlx_sqlite_pool(pool),
                write_gate: Some(Arc::new(Mutex::new(()))),
                generation: Arc::default(),
            })
        } else {
            let mut options = ConnectOptions::new(url);
            options
                .max_connections(20)
                .min_connections(1)
                .connect_timeout(Duration::from_secs(10))
                .sqlx_logging(false);
            let conn = sea_orm::Database::connect(options)
                .await
                .with_context(|| format!("cannot connect to the database at {url}"))?;
            Ok(Db {
                conn,
                write_gate: None,
                generation: Arc::default(),
            })
        }
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        Migrator::up(&self.conn, None)
            .await
            .context("database migration failed")
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    pub async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        let gate = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        Ok(WriteTxn {
            txn: self.conn.begin().await?,
            _gate: gate,
            generation: self.generation.clone(),
        })
    }

    /// How many changes this process knows of; any change moves it on.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Marks the data as changed without a local write (another process wrote, or we may have
    /// missed its announcement).
    pub fn mark_changed(&self) {
        self.generation.fetch_add(1, Ordering::Release);
    }

    /// Moves the generation on whenever another process (a second server, the command line)
    /// commits to the same database. Runs until the process ends.
    pub async fn follow_other_processes(self) {
        match &self.conn {
            DatabaseConnection::SqlxPostgresPoolConnection(_) => {
                let pool = self.conn.get_postgres_connection_pool().clone();
                self.listen_on_postgres(pool).await
            }
            DatabaseConnection::SqlxSqlitePoolConnection(_) => {
                let pool = self.conn.get_sqlite_connection_pool().clone();
                self.watch_sqlite(pool).await
            }
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }

    /// SQLite's `data_version` changes, for one connection, whenever any *other* connection
    /// commits; reading it touches only shared memory, so a quarter-second poll costs nothing.
    async fn watch_sqlite(self, pool: sqlx::SqlitePool) {
        let mut seen: Option<i64> = None;
        loop {
            let mut connection = match pool.acquire().await {
                Ok(connection) => connection,
                Err(_) => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            loop {
                let version: Result<i64, _> = sqlx::query_scalar("PRAGMA data_version")
                    .fetch_one(&mut *connection)
                    .await;
                match version {
                    Ok(version) => {
                        if seen.is_some_and(|seen| seen != version) {
                            self.mark_changed();
                        }
                        seen = Some(version);
                    }
                    Err(_) => {
                        // A new connection has its own numbering: start over from it.
                        seen = None;
                        self.mark_changed();
                        break;
                    }
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    }

    async fn listen_on_postgres(self, pool: sqlx::PgPool) {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for changes; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(error) = listener.listen(CHANGES_CHANNEL).await {
                tracing::warn!(%error, "cannot listen for changes; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            // Anything committed before LISTEN took effect went unheard.
            self.mark_changed();
            loop {
                match listener.try_recv().await {
                    Ok(Some(_)) => self.mark_changed(),
                    // The connection dropped: announcements may have been lost meanwhile, so
                    // treat everything as changed; the next call reconnects.
                    Ok(None) => self.mark_changed(),
                    Err(error) => {
                        tracing::warn!(%error, "lost the change listener; reconnecting");
                        self.mark_changed();
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        break;
                    }
                }
            }
        }
    }

    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.ping().await
    }
}
