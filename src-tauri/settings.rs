//! What the app remembers between runs: the agent's name, language and voice processing, kept as JSON in the platform's config
//! directory (`~/.config/fr.palabre.app/settings.json` on Linux, `%APPDATA%\fr.palabre.app` on Windows).
//!
//! Room links are not kept here: they carry access tokens.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use palabre_rtc::VoiceProcessing;
use serde::{Deserialize, Serialize};

use crate::recent_rooms::RecentRoom;

const FILE: &str = "settings.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The display name last used, offered on the next pre-join screen.
    pub name: String,
    /// "fr" or "en"; empty for the system's language.
    pub language: String,
    /// Most recent first; their links are in the keyring (`recent_rooms`).
    pub recent: Vec<RecentRoom>,
    /// What the microphone gets in calls. All on unless the agent switched a part off (a headset that cancels
    /// echo itself, a studio microphone): a setting rather than a per-call choice, because it follows the
    /// equipment, not the meeting.
    pub voice: VoiceProcessing,
}

/// The settings file, read once at start and written on every change.
pub struct SettingsStore {
    path: PathBuf,
    current: Mutex<Settings>,
}

impl SettingsStore {
    /// Reads `dir/settings.json`. A missing file is a first run; a damaged one is logged and replaced by the
    /// defaults rather than stopping the app.
    pub fn open(dir: &Path) -> SettingsStore {
        let path = dir.join(FILE);
        let current = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::warn!(path = %path.display(), %error, "settings unreadable; starting from the defaults");
                Settings::default()
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "settings unreadable; starting from the defaults");
                Settings::default()
            }
        };
        SettingsStore { path, current: Mutex::new(current) }
    }

    pub fn get(&self) -> Settings {
        self.current.lock().expect("settings lock").clone()
    }

    /// Changes the settings and writes them (to a temporary file first, so a crash never leaves half a file).
    pub fn update(&self, change: impl FnOnce(&mut Settings)) -> std::io::Result<Settings> {
        let mut current = self.current.lock().expect("settings lock");
        change(&mut current);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let temporary = self.path.with_extension("json.new");
        std::fs::write(&temporary, serde_json::to_vec_pretty(&*current).expect("settings serialise"))?;
        std::fs::rename(&temporary, &self.path)?;
        Ok(current.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("palabre-settings-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn settings_survive_a_restart() {
        let dir = temp_dir("restart");
        let store = SettingsStore::open(&dir);
        assert_eq!(store.get(), Settings::default(), "first run");
        store.update(|s| s.name = "Marie Dupont (Mairie)".into()).unwrap();
        store.update(|s| s.language = "en".into()).unwrap();
        let again = SettingsStore::open(&dir);
        assert_eq!(again.get().name, "Marie Dupont (Mairie)");
        assert_eq!(again.get().language, "en");
    }

    #[test]
    fn a_damaged_file_gives_the_defaults_and_is_replaced_on_the_next_change() {
        let dir = temp_dir("damaged");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(FILE), b"{\"name\": tronque").unwrap();
        let store = SettingsStore::open(&dir);
        assert_eq!(store.get(), Settings::default());
        store.update(|s| s.language = "fr".into()).unwrap();
        assert_eq!(SettingsStore::open(&dir).get().language, "fr");
    }

    #[test]
    fn unknown_and_missing_fields_are_tolerated() {
        let dir = temp_dir("fields");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(FILE), br#"{"name": "Paul", "theme": "dark", "voice": {"auto_gain": false}}"#).unwrap();
        let settings = SettingsStore::open(&dir).get();
        assert_eq!((settings.name.as_str(), settings.language.as_str(), settings.recent.len()), ("Paul", "", 0));
        // A file from before the voice setting, or with a part of it, keeps the rest of the processing on.
        assert_eq!(settings.voice, VoiceProcessing { auto_gain: false, ..VoiceProcessing::default() });
    }

    #[test]
    fn voice_processing_is_on_until_switched_off_and_stays_off() {
        let dir = temp_dir("voice");
        let store = SettingsStore::open(&dir);
        assert_eq!(store.get().voice, VoiceProcessing::default());
        assert!(store.get().voice.echo_cancellation && store.get().voice.noise_suppression && store.get().voice.auto_gain);
        let headset = VoiceProcessing { echo_cancellation: false, ..VoiceProcessing::default() };
        store.update(|s| s.voice = headset).unwrap();
        assert_eq!(SettingsStore::open(&dir).get().voice, headset);
    }
}
