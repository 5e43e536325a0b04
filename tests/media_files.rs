//! File sources and recording with real processes: one participant plays a y4m and a WAV file, the other
//! records what it decodes; the recording is checked by frame numbers and by cross-correlation with the speech
//! that was sent. Bad files are refused with one clear line before any connection.

use std::time::Duration;

use palabre_e2e::media_check::{best_match, speech_wav, wav_at_48k, write_pattern_y4m, y4m_frame_numbers};
use palabre_e2e::{finish, join, read_report, run_cli, temp_dir, Server};

const LIMIT: Duration = Duration::from_secs(90);
/// A valid link to a port where nothing listens.
const UNREACHABLE_LINK: &str =
    "palabre://127.0.0.1:9/Salle?token=abc&fp=sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
/// Frames in the sent y4m: two seconds at 30 fps, so a 5 s call plays it in a loop.
const FILE_FRAMES: u32 = 60;

#[test]
fn what_one_plays_from_files_the_other_records() {
    let dir = temp_dir("files");
    let server = Server::start("Fichiers", &dir);
    let (video, speech, record) = (dir.join("pattern.y4m"), dir.join("speech.wav"), dir.join("recorded"));
    write_pattern_y4m(&video, 320, 180, 30, FILE_FRAMES);
    speech_wav(&speech, "Bonjour, ici la mairie. La réunion commence.");
    let bob_report = dir.join("bob.json");
    // The sender's name is hostile to file systems: the recording must stay inside the directory.
    let alice = join(
        &server.host_link,
        "../Alice/CON",
        &["--video", video.to_str().unwrap(), "--audio", speech.to_str().unwrap(), "--duration", "5"],
    );
    let bob = join(
        &server.guest_link,
        "Bob",
        &["--video", "none", "--audio", "none", "--record", record.to_str().unwrap(), "--duration", "5", "--report", bob_report.to_str().unwrap()],
    );
    let (alice, bob) = (finish(alice, LIMIT), finish(bob, LIMIT));
    assert!(alice.status.success(), "alice: {}", alice.stderr);
    assert!(bob.status.success(), "bob: {}", bob.stderr);
    let report = read_report(&bob_report);
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");

    let mut files: Vec<String> =
        std::fs::read_dir(&record).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.sort();
    assert_eq!(files.len(), 2, "one y4m and one wav: {files:?}");
    assert!(files.iter().all(|f| !f.starts_with('.') && !f.contains(['/', '\\'])), "{files:?}");
    let stem = files[0].strip_suffix(".wav").expect("a wav file first");
    assert_eq!(files[1], format!("{stem}.y4m"));

    // Video: the pictures Alice's file holds, in order, looping from the last back to the first.
    let numbers = y4m_frame_numbers(&record.join(&files[1]));
    assert!(numbers.len() >= 60, "only {} pictures recorded", numbers.len());
    let read: Vec<u32> = numbers.iter().flatten().copied().collect();
    assert!(read.len() as f64 >= 0.95 * numbers.len() as f64, "{} of {} frame numbers readable", read.len(), numbers.len());
    assert!(read.iter().all(|&n| n < FILE_FRAMES), "numbers come from the file: {read:?}");
    let in_step = read.windows(2).filter(|w| w[1] == (w[0] + 1) % FILE_FRAMES).count();
    assert!(in_step as f64 >= 0.9 * (read.len() - 1) as f64, "pictures out of order: {read:?}");
    assert!(read.windows(2).any(|w| w[1] < w[0]), "the file looped: {read:?}");

    // Audio: the speech is in the recording, waveform and all.
    let sent = wav_at_48k(&speech);
    let recorded = wav_at_48k(&record.join(&files[0]));
    assert!(recorded.len() >= 48_000 * 3, "only {} samples recorded", recorded.len());
    // The file loops and the recording starts anywhere in it: look for two seconds of the recording in the
    // speech played twice over.
    let sent_twice = [&sent[..], &sent[..]].concat();
    let (score, offset) = best_match(&recorded[48_000..3 * 48_000], &sent_twice);
    eprintln!("speech found in the recording: correlation {score:.2} at sample {offset}");
    assert!(score > 0.6, "the sent speech is not in the recording (best correlation {score:.2} at {offset})");
}

#[test]
fn bad_files_are_refused_with_one_clear_line_before_connecting() {
    let dir = temp_dir("bad-files");
    let good_y4m = dir.join("good.y4m");
    write_pattern_y4m(&good_y4m, 64, 64, 30, 3);
    let bytes = std::fs::read(&good_y4m).unwrap();
    let truncated_y4m = dir.join("truncated.y4m");
    std::fs::write(&truncated_y4m, &bytes[..bytes.len() - 100]).unwrap();
    let yuv444 = dir.join("yuv444.y4m");
    std::fs::write(&yuv444, b"YUV4MPEG2 W64 H64 F30:1 C444\nFRAME\n").unwrap();
    let speech = dir.join("speech.wav");
    speech_wav(&speech, "Bonjour");
    let wav = std::fs::read(&speech).unwrap();
    let truncated_wav = dir.join("truncated.wav");
    std::fs::write(&truncated_wav, &wav[..wav.len() / 2]).unwrap();
    let corrupt_wav = dir.join("corrupt.wav");
    std::fs::write(&corrupt_wav, b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk").unwrap();
    let missing = dir.join("missing.wav");

    // Nothing listens on this port: an error about the file proves the file was checked before connecting.
    let link = UNREACHABLE_LINK;
    let cases: [(&str, &std::path::Path, &str); 5] = [
        ("--video", &truncated_y4m, "truncated"),
        ("--video", &yuv444, "4:2:0"),
        ("--audio", &truncated_wav, "truncated"),
        ("--audio", &corrupt_wav, "WAV"),
        ("--audio", &missing, "missing.wav"),
    ];
    for (flag, path, expected) in cases {
        let run = run_cli(&["join", link, "--name", "Alice", flag, path.to_str().unwrap(), "--duration", "5"]);
        assert!(!run.status.success(), "{} was accepted", path.display());
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line for {}: {:?}", path.display(), run.stderr);
        assert!(lines[0].starts_with("palabre-cli: cannot use ") && lines[0].contains(expected), "{}", lines[0]);
    }
}

#[test]
fn a_record_directory_that_cannot_be_made_is_refused() {
    let dir = temp_dir("bad-record");
    let blocker = dir.join("a-file");
    std::fs::write(&blocker, b"not a directory").unwrap();
    let link = UNREACHABLE_LINK;
    let run = run_cli(&["join", link, "--name", "Bob", "--record", blocker.join("sub").to_str().unwrap(), "--duration", "5"]);
    assert!(!run.status.success());
    assert!(run.stderr.trim().starts_with("palabre-cli: cannot record into "), "{}", run.stderr);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
}
