//! Making media files for tests and checking what a participant recorded: test-pattern y4m files whose frame
//! numbers survive coding, speech from espeak-ng, and cross-correlation to find a sent sound in a recording.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;
use std::process::Command;

use palabre_media::{psnr, read_frame_number, AudioClip, TestPattern, VideoFrame, Y4mHeader, Y4mReader, Y4mWriter};

/// Writes `frames` test-pattern pictures (numbered from 0) as a y4m file.
pub fn write_pattern_y4m(path: &Path, width: u32, height: u32, fps: u32, frames: u32) {
    let file = BufWriter::new(File::create(path).expect("create y4m"));
    let header = Y4mHeader { width, height, fps_numerator: fps, fps_denominator: 1 };
    let mut writer = Y4mWriter::new(file, header).expect("y4m header");
    let mut pattern = TestPattern::new(width, height);
    for index in 0..frames {
        writer.write_frame(&pattern.frame(index)).expect("y4m frame");
    }
    writer.flush().expect("y4m flush");
}

/// The frame number drawn in each picture of a y4m file (`None` where the barcode did not survive).
pub fn y4m_frame_numbers(path: &Path) -> Vec<Option<u32>> {
    let mut reader = Y4mReader::new(BufReader::new(File::open(path).expect("open y4m"))).expect("a y4m file");
    std::iter::from_fn(|| reader.read_frame().expect("readable y4m")).map(|frame| read_frame_number(&frame)).collect()
}

/// The PSNR (dB) of each recorded picture of `recorded` against the test-pattern picture its frame number names,
/// as `sender` drew it: what coding, packetising and the network did to it. Pictures without a readable number are
/// left out.
pub fn y4m_psnr_by_frame_number(recorded: &Path, sender: &mut TestPattern) -> Vec<f64> {
    let mut reader = Y4mReader::new(BufReader::new(File::open(recorded).expect("open y4m"))).expect("a y4m file");
    let pictures = std::iter::from_fn(|| reader.read_frame().expect("readable y4m"));
    pictures
        .filter_map(|picture: VideoFrame| {
            let number = read_frame_number(&picture)?;
            psnr(&sender.frame(number), &picture)
        })
        .collect()
}

/// Speaks `text` into a WAV file with espeak-ng (22.05 kHz mono, as espeak-ng writes it).
pub fn speech_wav(path: &Path, text: &str) {
    let status = Command::new("espeak-ng").args(["-v", "fr", "-s", "150", "-w"]).arg(path).arg(text).status();
    assert!(status.is_ok_and(|s| s.success()), "espeak-ng must be installed (scripts/install-deps.sh)");
}

/// A WAV file's audio as Palabre plays it: 48 kHz mono.
pub fn wav_at_48k(path: &Path) -> Vec<i16> {
    AudioClip::from_wav(BufReader::new(File::open(path).expect("open wav"))).expect("a WAV file").samples().to_vec()
}

/// Samples are averaged in blocks of this many before correlating (48 kHz → 4 kHz): speech keeps its
/// shape below 2 kHz, and the search gets 144 times cheaper in a debug build.
const DECIMATION: usize = 12;

/// Where `sound` best matches a stretch of `within`: the normalised cross-correlation there (1.0 is the same
/// waveform; speech against unrelated sound stays well under 0.3) and the offset in 48 kHz samples.
pub fn best_match(sound: &[i16], within: &[i16]) -> (f64, usize) {
    let (reference, recording) = (sound, within);
    let decimate = |samples: &[i16]| -> Vec<f64> {
        samples.chunks_exact(DECIMATION).map(|c| c.iter().map(|&s| f64::from(s)).sum::<f64>() / DECIMATION as f64).collect()
    };
    let (reference, recording) = (decimate(reference), decimate(recording));
    assert!(reference.len() <= recording.len(), "the sound looked for is longer than where it is looked for");
    let reference_energy: f64 = reference.iter().map(|s| s * s).sum();
    // Running energy of the recording window, so each lag costs one dot product.
    let mut window_energy: f64 = recording[..reference.len()].iter().map(|s| s * s).sum();
    let mut best = (0.0, 0);
    for lag in 0..=recording.len() - reference.len() {
        if lag > 0 {
            let (gone, new) = (recording[lag - 1], recording[lag + reference.len() - 1]);
            window_energy += new * new - gone * gone;
        }
        let dot: f64 = reference.iter().zip(&recording[lag..]).map(|(a, b)| a * b).sum();
        let score = dot / (reference_energy * window_energy.max(1.0)).sqrt();
        if score > best.0 {
            best = (score, lag * DECIMATION);
        }
    }
    best
}

/// How well a sound was heard in a recording, whole and piece by piece.
#[derive(Debug, Clone, Copy)]
pub struct Heard {
    /// [`best_match`] of the whole sound: high only if it arrived without a gap or a skip.
    pub whole: f64,
    /// Where it starts in the recording, in 48 kHz samples.
    pub at: usize,
    /// The median over the sound's half-seconds of speech of each one's best match near where it belongs: what
    /// a listener gets, even when a loaded machine dropped or stretched a few milliseconds in between (which
    /// shifts everything after it and so lowers `whole`).
    pub pieces: f64,
    /// `pieces` for the same sound played backwards (same spectrum and loudness, not the same words): what an
    /// unrelated sound scores in this recording.
    pub backwards: f64,
}

impl Heard {
    /// The sound is in the recording for a listener: its pieces match well above anything unrelated. Seen on a
    /// machine losing 20–40 % of its CPU to its host, speech out of a speaker scored 0.46–0.80 and its reverse
    /// 0.07–0.21.
    pub fn recognisable(&self) -> bool {
        self.pieces > 0.35 && self.pieces > 2.0 * self.backwards
    }
}

/// Half a second: long enough to be recognisable speech, short enough that one skip spoils only one piece.
const PIECE: usize = 24_000;

/// How far from its place in the whole a piece is looked for: skips seen on a loaded machine were 10–80 ms.
const PIECE_SLACK: usize = 4_800;

/// Finds `sound` in `within`, whole and by half-seconds, and its reverse as the bar (see [`Heard`]).
pub fn heard(sound: &[i16], within: &[i16]) -> Heard {
    let (whole, at) = best_match(sound, within);
    let reversed: Vec<i16> = sound.iter().rev().copied().collect();
    let (_, reversed_at) = best_match(&reversed, within);
    Heard { whole, at, pieces: pieces_heard(sound, within, at), backwards: pieces_heard(&reversed, within, reversed_at) }
}

/// The median match of `sound`'s loud half-seconds in `within`, each looked for near `at` plus its offset.
fn pieces_heard(sound: &[i16], within: &[i16], at: usize) -> f64 {
    let loudness = |piece: &[i16]| piece.iter().map(|&s| f64::from(s).abs()).sum::<f64>() / piece.len() as f64;
    let overall = loudness(sound);
    let mut scores: Vec<f64> = sound
        .chunks_exact(PIECE)
        .enumerate()
        // Pauses between words are silence in the reference: nothing to find.
        .filter(|(_, piece)| loudness(piece) > overall / 2.0)
        .map(|(index, piece)| {
            let start = (at + index * PIECE).saturating_sub(PIECE_SLACK);
            let end = (at + (index + 1) * PIECE + PIECE_SLACK).min(within.len());
            if end < start + PIECE {
                return 0.0;
            }
            best_match(piece, &within[start..end]).0
        })
        .collect();
    scores.sort_by(f64::total_cmp);
    scores.get(scores.len() / 2).copied().unwrap_or(0.0)
}
