//! Persistence: the connection, migrations, typed entities and the queries the use cases need,
//! over sea-orm. Queries answer `StoreError`s (`error.rs`), which know nothing of HTTP.
//! Domain values are columns of their own Rust types (`columns.rs`). A new table is a migration
//! in `migration/`, an entity in `entities/`, and its queries here.

pub mod columns;
pub mod entities;
pub mod error;
pub mod generations;
pub mod queries;

use std::ops::Deref;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqlxSqliteConnector, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use self::generations::{Changed, Generations};

/// The database handle every part of the app shares.
///
/// SQLite allows one writer at a time and fails a deferred transaction that tries to upgrade to a
/// writer while another holds the lock ("database is locked") instead of waiting. So on SQLite,
/// write transactions queue on an in-process gate first; readers never wait (WAL mode).
/// PostgreSQL needs no gate: row locks do that job, across processes too.
///
/// Every committed write also moves a generation on, which is how the cache of public reads
/// knows its copies are stale (`generations`, `http::read_cache`). Other processes' commits reach it
/// too (`follow_other_processes`): by `NOTIFY` on PostgreSQL, by the `data_generations` row on
/// SQLite.
#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    write_gate: Option<Arc<Mutex<()>>>,
    pub generations: Arc<Generations>,
}

/// The PostgreSQL channel on which commits announce themselves to other processes.
pub const CHANGES_CHANNEL: &str = "convene_changes";

/// A transaction for writing; on SQLite it also holds the write gate until it ends.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _gate: Option<OwnedMutexGuard<()>>,
    generations: Arc<Generations>,
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
        self.commit_announcing(Changed::Anything).await
    }

    /// Commits a change to registrations and seats only: personal feeds are refreshed, the
    /// cached programme, event feeds and exports stay (they show no attendance).
    pub async fn commit_attendance(self) -> Result<(), DbErr> {
        self.commit_announcing(Changed::AttendanceOnly).await
    }

    async fn commit_announcing(self, changed: Changed) -> Result<(), DbErr> {
        match self.txn.get_database_backend() {
            // Delivered by PostgreSQL at commit, and only if the commit happens.
            DbBackend::Postgres => {
                self.txn
                    .execute_unprepared(&format!(
                        "NOTIFY {CHANGES_CHANNEL}, '{}'",
                        changed.payload(&self.generations.origin)
                    ))
                    .await?;
                self.txn.commit().await?;
            }
            // Writers are serialised on SQLite already, so one counter row costs no contention.
            _ => {
                let column = match changed {
                    Changed::Anything => "programme",
                    Changed::AttendanceOnly => "attendance",
                };
                self.txn
                    .execute_unprepared(&format!(
                        "UPDATE data_generations SET {column} = {column} + 1 WHERE id = 1"
                    ))
                    .await?;
                // Counted before the commit is visible, so the follower never takes it for
                // another process's write.
                self.generations.own_write_started(changed);
                if let Err(error) = self.txn.commit().await {
                    self.generations.own_write_failed(changed);
                    return Err(error);
                }
            }
        }
        self.generations.moved(changed);
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
                generations: Arc::default(),
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
                generations: Arc::default(),
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
        let txn = self.conn.begin().await?;
        if gate.is_some() {
            // SQLite: take the write lock first, while the transaction holds no snapshot yet.
            // Another process's writer then makes this one wait (the busy timeout) instead of
            // failing later with "database is locked" when a read-then-write transaction tries
            // to upgrade (SQLITE_BUSY, or BUSY_SNAPSHOT once the snapshot is stale). A write
            // that changes nothing still takes the lock; it is what BEGIN IMMEDIATE would do.
            txn.execute_unprepared("UPDATE data_generations SET programme = programme WHERE 0")
                .await?;
        }
        Ok(WriteTxn {
            txn,
            _gate: gate,
            generations: self.generations.clone(),
        })
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

    /// Polls the `data_generations` row that every committed write counts up (one row: four
    /// reads a second cost nothing). Others' writes are the total less this process's own.
    async fn watch_sqlite(self, pool: sqlx::SqlitePool) {
        // The most of others' writes seen so far, per kind; an estimate that can lag (our own
        // write counted before its commit shows) but never runs ahead.
        let mut others_seen: Option<(i64, i64)> = None;
        loop {
            let counters: Result<(i64, i64), _> =
                sqlx::query_as("SELECT programme, attendance FROM data_generations WHERE id = 1")
                    .fetch_one(&pool)
                    .await;
            match counters {
                Ok((programme, attendance)) => {
                    let (own_programme, own_attendance) = self.generations.own_writes();
                    let others = (
                        programme.saturating_sub(i64::try_from(own_programme).unwrap_or(i64::MAX)),
                        attendance
                            .saturating_sub(i64::try_from(own_attendance).unwrap_or(i64::MAX)),
                    );
                    if let Some(seen) = others_seen {
                        if others.0 > seen.0 {
                            self.generations.moved(Changed::Anything);
                        }
                        if others.1 > seen.1 {
                            self.generations.moved(Changed::AttendanceOnly);
                        }
                        others_seen = Some((others.0.max(seen.0), others.1.max(seen.1)));
                    } else {
                        others_seen = Some(others);
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot read data_generations; retrying");
                    self.generations.moved(Changed::Anything);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
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
            self.generations.moved(Changed::Anything);
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => {
                        let (changed, origin) = Changed::from_payload(notification.payload());
                        // Our own commits moved our generations already.
                        if origin != self.generations.origin {
                            self.generations.moved(changed);
                        }
                    }
                    // The connection dropped: announcements may have been lost meanwhile, so
                    // treat everything as changed; the next call reconnects.
                    Ok(None) => self.generations.moved(Changed::Anything),
                    Err(error) => {
                        tracing::warn!(%error, "lost the change listener; reconnecting");
                        self.generations.moved(Changed::Anything);
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
