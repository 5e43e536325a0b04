//! `--record DIR`: what we decoded from each remote participant, written as `DIR/<name>.y4m` (video),
//! `DIR/<name>.wav` (48 kHz mono audio) and `DIR/<name>.screen.y4m` (their screen share).
//!
//! Names come from other people, so they are made safe for every file system before they touch one (see
//! [`safe_file_stem`]). Files are opened at the first decoded frame (a y4m header needs the picture size),
//! a WAV header is brought up to date every second so a killed process still leaves a readable file, and
//! [`Recorder::finish_all`] closes everything when the call ends. A write error stops that one recording,
//! is reported once, and the call goes on.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use palabre_core::ParticipantId;
use palabre_media::{AudioFrame, MediaFileError, VideoFrame, WavRecorder, Y4mHeader, Y4mWriter};

use crate::error::{CallError, MediaError};

/// Longest file stem we make: well under every file system's 255-byte limit, UTF-8 included.
const MAX_STEM_CHARS: usize = 80;
/// WAV frames (20 ms) between header updates.
const WAV_CHECKPOINT_FRAMES: u32 = 50;
/// Frame rate written into y4m headers. Received pictures carry no rate; this is the rate Palabre sends.
const RECORDED_FPS: u32 = 30;

/// Names Windows reserves for devices, with or without an extension (`CON.txt` opens the console).
const WINDOWS_DEVICE_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2",
    "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A file name stem (no extension) for a display name, safe on Linux, macOS and Windows: no path separators
/// or other characters Windows refuses, no control characters, no `.`/`..`, no leading or trailing dots or
/// spaces, no device names, at most [`MAX_STEM_CHARS`] characters, never empty.
pub fn safe_file_stem(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(MAX_STEM_CHARS)
        .collect();
    // Windows drops trailing dots and spaces (so "a." and "a" collide), and leading dots hide files on Unix.
    let trimmed = replaced.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() {
        return "participant".to_owned();
    }
    let base = trimmed.split('.').next().unwrap_or(trimmed).trim_end();
    if WINDOWS_DEVICE_NAMES.iter().any(|device| device.eq_ignore_ascii_case(base)) {
        return format!("_{trimmed}");
    }
    trimmed.to_owned()
}

/// The recordings of one call.
pub struct Recorder {
    dir: PathBuf,
    state: Mutex<RecorderState>,
    /// Where write errors go (the call's stats), each once.
    report_error: Box<dyn Fn(String) + Send + Sync>,
}

#[derive(Default)]
struct RecorderState {
    /// The stem each participant got, so their video and audio share it.
    stems: BTreeMap<ParticipantId, String>,
    /// File names handed out in this call.
    taken: BTreeSet<String>,
    open: Vec<Arc<Mutex<Sink>>>,
}

enum Sink {
    /// Opened at its first frame.
    VideoPending(PathBuf),
    Video { writer: Y4mWriter<BufWriter<File>>, path: PathBuf, other_sizes: u64 },
    Audio { writer: WavRecorder<BufWriter<File>>, path: PathBuf },
    Closed,
}

/// Where one remote track's decoded frames go.
#[derive(Clone)]
pub struct Recording {
    sink: Arc<Mutex<Sink>>,
    recorder: Arc<Recorder>,
}

impl Recorder {
    /// Records into `dir`, creating it if needed.
    pub fn new(dir: &Path, report_error: impl Fn(String) + Send + Sync + 'static) -> Result<Arc<Self>, CallError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| MediaError::Recording { path: dir.display().to_string(), reason: e.to_string() })?;
        Ok(Arc::new(Self { dir: dir.to_owned(), state: Mutex::default(), report_error: Box::new(report_error) }))
    }

    /// A recording of `owner`'s video, named after `name`.
    pub fn video(self: &Arc<Self>, owner: ParticipantId, name: &str) -> Recording {
        let path = self.claim(owner, name, "y4m");
        self.register(Sink::VideoPending(path))
    }

    /// A recording of `owner`'s screen share, `<name>.screen.y4m`.
    pub fn screen(self: &Arc<Self>, owner: ParticipantId, name: &str) -> Recording {
        let path = self.claim(owner, name, "screen.y4m");
        self.register(Sink::VideoPending(path))
    }

    /// A recording of `owner`'s audio, named after `name`; the file is created at once.
    pub fn audio(self: &Arc<Self>, owner: ParticipantId, name: &str) -> Option<Recording> {
        let path = self.claim(owner, name, "wav");
        let opened = File::create(&path).map_err(MediaFileError::from).and_then(|f| WavRecorder::new(BufWriter::new(f)));
        match opened {
            Ok(writer) => Some(self.register(Sink::Audio { writer, path })),
            Err(error) => {
                (self.report_error)(format!("cannot record into {}: {error}", path.display()));
                None
            }
        }
    }

    /// Closes every recording (WAV headers get their final lengths). Frames that arrive later are dropped.
    pub fn finish_all(&self) {
        let open = std::mem::take(&mut self.state.lock().expect("recorder lock").open);
        for sink in open {
            let mut sink = sink.lock().expect("recording lock");
            if let Err((path, error)) = close(std::mem::replace(&mut *sink, Sink::Closed)) {
                (self.report_error)(format!("cannot finish the recording {}: {error}", path.display()));
            }
        }
    }

    fn claim(&self, owner: ParticipantId, name: &str, extension: &str) -> PathBuf {
        let mut state = self.state.lock().expect("recorder lock");
        let RecorderState { stems, taken, .. } = &mut *state;
        let stem = stems.entry(owner).or_insert_with(|| {
            let stem = safe_file_stem(name);
            // Two names may clean to the same stem ("a/b" and "a_b"): the later one gets its id.
            if stems_taken(taken, &stem) { format!("{stem}-{owner}") } else { stem }
        });
        let mut file = format!("{stem}.{extension}");
        // The same person's second track of a kind (a re-published camera) goes into a file of its own.
        let mut again = 2;
        while taken.contains(&file) {
            file = format!("{stem}-{again}.{extension}");
            again += 1;
        }
        taken.insert(file.clone());
        self.dir.join(file)
    }

    fn register(self: &Arc<Self>, sink: Sink) -> Recording {
        let sink = Arc::new(Mutex::new(sink));
        self.state.lock().expect("recorder lock").open.push(sink.clone());
        Recording { sink, recorder: self.clone() }
    }
}

fn stems_taken(taken: &BTreeSet<String>, stem: &str) -> bool {
    taken.iter().any(|file| file.rsplit_once('.').is_some_and(|(s, _)| s == stem))
}

fn close(sink: Sink) -> Result<(), (PathBuf, MediaFileError)> {
    match sink {
        Sink::Video { mut writer, path, .. } => writer.flush().map_err(|e| (path, e)),
        Sink::Audio { writer, path } => writer.finish().map_err(|e| (path, e)),
        Sink::VideoPending(_) | Sink::Closed => Ok(()),
    }
}

impl Recording {
    /// Closes this recording now (its sender stopped, as for a screen share); later frames are dropped.
    pub fn finish(&self) {
        let mut sink = self.sink.lock().expect("recording lock");
        if let Err((path, error)) = close(std::mem::replace(&mut *sink, Sink::Closed)) {
            (self.recorder.report_error)(format!("cannot finish the recording {}: {error}", path.display()));
        }
    }

    pub fn write_video(&self, frame: &VideoFrame) {
        let mut sink = self.sink.lock().expect("recording lock");
        if let Sink::VideoPending(path) = &*sink {
            let path = path.clone();
            let header = Y4mHeader { width: frame.width, height: frame.height, fps_numerator: RECORDED_FPS, fps_denominator: 1 };
            match File::create(&path).map_err(MediaFileError::from).and_then(|f| Y4mWriter::new(BufWriter::new(f), header)) {
                Ok(writer) => *sink = Sink::Video { writer, path, other_sizes: 0 },
                Err(error) => return self.fail(&mut sink, &path, error),
            }
        }
        if let Sink::Video { writer, path, other_sizes } = &mut *sink {
            let header = writer.header();
            if (frame.width, frame.height) != (header.width, header.height) {
                // A y4m stream has one size; the sender changed resolution. Say so once and keep the first size.
                *other_sizes += 1;
                if *other_sizes == 1 {
                    (self.recorder.report_error)(format!(
                        "{}: the sender's video changed to {}x{}; pictures of that size are not recorded",
                        path.display(),
                        frame.width,
                        frame.height
                    ));
                }
                return;
            }
            if let Err(error) = writer.write_frame(frame) {
                let path = path.clone();
                self.fail(&mut sink, &path, error);
            }
        }
    }

    pub fn write_audio(&self, frame: &AudioFrame) {
        let mut sink = self.sink.lock().expect("recording lock");
        if let Sink::Audio { writer, path } = &mut *sink {
            let mut result = writer.write_frame(frame);
            if result.is_ok() && writer.samples_written() % (WAV_CHECKPOINT_FRAMES * frame.samples.len() as u32) == 0 {
                result = writer.checkpoint();
            }
            if let Err(error) = result {
                let path = path.clone();
                self.fail(&mut sink, &path, error);
            }
        }
    }

    fn fail(&self, sink: &mut Sink, path: &Path, error: MediaFileError) {
        *sink = Sink::Closed;
        (self.recorder.report_error)(format!("recording {} stopped: {error}", path.display()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_separators_and_traversal_cannot_leave_the_directory() {
        for name in ["../../etc/passwd", "..\\..\\Windows\\win.ini", "a/b", "C:\\x", "\\\\server\\share\\f"] {
            let stem = safe_file_stem(name);
            assert!(!stem.contains(['/', '\\', ':']), "{name:?} -> {stem:?}");
            assert!(!stem.starts_with('.'), "{name:?} -> {stem:?}");
        }
        assert_eq!(safe_file_stem(".."), "participant");
        assert_eq!(safe_file_stem("."), "participant");
        assert_eq!(safe_file_stem("  "), "participant");
        assert_eq!(safe_file_stem(""), "participant");
    }

    #[test]
    fn windows_device_names_are_prefixed() {
        for name in ["CON", "con", "Nul.txt", "com1", "LPT9 "] {
            assert!(safe_file_stem(name).starts_with('_'), "{name:?} -> {}", safe_file_stem(name));
        }
        assert_eq!(safe_file_stem("Connie"), "Connie");
    }

    #[test]
    fn control_characters_and_reserved_punctuation_become_underscores() {
        assert_eq!(safe_file_stem("Ana\u{0}\n\u{1b}[31m"), "Ana___[31m");
        assert_eq!(safe_file_stem("a*b?c\"d<e>f|g"), "a_b_c_d_e_f_g");
        assert_eq!(safe_file_stem("Marie Dupont (Mairie de Lyon)"), "Marie Dupont (Mairie de Lyon)");
        assert_eq!(safe_file_stem("Élodie Ñúñez 李"), "Élodie Ñúñez 李");
    }

    #[test]
    fn long_names_are_cut() {
        assert_eq!(safe_file_stem(&"é".repeat(500)).chars().count(), MAX_STEM_CHARS);
    }

    #[test]
    fn names_that_clean_alike_get_distinct_files() {
        let dir = std::env::temp_dir().join(format!("palabre-recording-test-{}", std::process::id()));
        let recorder = Recorder::new(&dir, |_| {}).unwrap();
        let first = recorder.claim(ParticipantId(1), "a/b", "wav");
        let second = recorder.claim(ParticipantId(2), "a_b", "wav");
        let again = recorder.claim(ParticipantId(1), "a/b", "wav");
        assert_eq!(first, dir.join("a_b.wav"));
        assert_eq!(second, dir.join(format!("a_b-{}.wav", ParticipantId(2))));
        assert_eq!(again, dir.join("a_b-2.wav"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn recorded_frames_read_back_after_finish() {
        let dir = std::env::temp_dir().join(format!("palabre-recording-frames-{}", std::process::id()));
        let errors = Arc::new(Mutex::new(Vec::new()));
        let seen = errors.clone();
        let recorder = Recorder::new(&dir, move |e| seen.lock().unwrap().push(e)).unwrap();
        let video = recorder.video(ParticipantId(7), "Zoé");
        let audio = recorder.audio(ParticipantId(7), "Zoé").unwrap();
        let mut pattern = palabre_media::TestPattern::new(64, 48);
        for index in 0..3 {
            video.write_video(&pattern.frame(index));
            audio.write_audio(&palabre_media::Tone::new(440.0).next_frame());
        }
        video.write_video(&VideoFrame::black(32, 32));
        recorder.finish_all();
        audio.write_audio(&AudioFrame::silence());
        let mut reader = palabre_media::Y4mReader::new(std::io::BufReader::new(File::open(dir.join("Zoé.y4m")).unwrap())).unwrap();
        assert_eq!(reader.check_all_frames().unwrap(), 3);
        let clip = palabre_media::AudioClip::from_wav(File::open(dir.join("Zoé.wav")).unwrap()).unwrap();
        assert_eq!(clip.samples().len(), 3 * palabre_media::FRAME_SAMPLES);
        assert_eq!(errors.lock().unwrap().len(), 1, "the size change is reported once");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
