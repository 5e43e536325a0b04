//! One run's scratch directory: the server's data, each process's log and each participant's report. It is removed
//! after a run that went well and kept after one that failed, so that the logs named in the error can be read.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::BenchError;

pub struct WorkDir {
    path: PathBuf,
}

impl WorkDir {
    /// A fresh, empty `palabre-bench-<pid>` in the system's temporary directory.
    pub fn create() -> Result<WorkDir, BenchError> {
        let path = std::env::temp_dir().join(format!("palabre-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).map_err(|source| BenchError::Io {
            what: "cannot create the directory",
            path: path.clone(),
            source,
        })?;
        Ok(WorkDir { path })
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    pub fn remove(self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

pub fn create_file(path: &Path) -> Result<File, BenchError> {
    File::create(path).map_err(|source| BenchError::Io { what: "cannot create", path: path.to_path_buf(), source })
}

/// The last non-empty line of a log, or a placeholder when there is none.
pub fn last_line(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines().rev().map(str::trim).find(|line| !line.is_empty()).unwrap_or("(its log is empty)").to_string()
}
