//! Persistence: the connection, migrations, and the queries handlers need, over sea-orm.

pub mod entities;
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

/// The database handle every part of the app shares.
///
/// SQLite allows one writer at a time and fails a deferred transaction that tries to upgrade to a
/// writer while another holds the lock ("database is locked") instead of waiting. So on SQLite,
/// write transactions queue on an in-process gate first; readers never wait (WAL mode).
/// PostgreSQL needs no gate: row locks do that job, across processes too.
#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    write_gate: Option<Arc<Mutex<()>>>,
}

/// A transaction for writing; on SQLite it also holds the write gate until it ends.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _gate: Option<OwnedMutexGuard<()>>,
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &Self::Target {
        &self.txn
    }
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
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
        })
    }

    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.ping().await
    }
}
