//! Opus encode/decode behaviour, driven by a sine tone.

use palabre_media::{
    AudioFrame, CodecError, OpusDecoder, OpusEncoder, Tone, FRAME_SAMPLES, SAMPLE_RATE,
};

const BITRATE_BPS: i32 = 32_000;

/// Squared magnitude of `samples` at `frequency_hz` (Goertzel algorithm), divided by the squared length
/// so that a sine of amplitude A at that frequency gives about A²/4 however long the input.
fn power_at(samples: &[i16], frequency_hz: f64) -> f64 {
    let coefficient = 2.0 * (std::f64::consts::TAU * frequency_hz / f64::from(SAMPLE_RATE)).cos();
    let (previous, before_previous) =
        samples
            .iter()
            .fold((0.0, 0.0), |(previous, before_previous), &sample| {
                (
                    f64::from(sample) + coefficient * previous - before_previous,
                    previous,
                )
            });
    (previous * previous + before_previous * before_previous
        - coefficient * previous * before_previous)
        / (samples.len() as f64).powi(2)
}

/// Encodes and decodes `frames` of a tone, returning the decoded samples.
fn round_trip_tone(frequency_hz: f32, frames: usize) -> Vec<i16> {
    let mut tone = Tone::new(frequency_hz);
    let mut encoder = OpusEncoder::new(BITRATE_BPS).unwrap();
    let mut decoder = OpusDecoder::new().unwrap();
    (0..frames)
        .flat_map(|_| {
            let packet = encoder.encode(&tone.next_frame()).unwrap();
            let decoded = decoder.decode(&packet).unwrap();
            assert_eq!(decoded.samples.len(), FRAME_SAMPLES);
            decoded.samples
        })
        .collect()
}

#[test]
fn a_decoded_packet_is_one_full_frame() {
    let samples = round_trip_tone(440.0, 3);
    assert_eq!(samples.len(), 3 * FRAME_SAMPLES);
}

#[test]
fn a_tone_keeps_its_pitch_through_opus() {
    let samples = round_trip_tone(1000.0, 25);
    // Skip the first 100 ms while the codec settles.
    let steady = &samples[5 * FRAME_SAMPLES..];
    let at_tone = power_at(steady, 1000.0);
    for elsewhere in [500.0, 1500.0, 3000.0] {
        let off_tone = power_at(steady, elsewhere);
        assert!(
            at_tone > 100.0 * off_tone,
            "1 kHz power {at_tone} vs {off_tone} at {elsewhere} Hz"
        );
    }
    // The decoded level stays near the tone's (amplitude 8192).
    let amplitude = 2.0 * at_tone.sqrt();
    assert!(
        (6000.0..10_000.0).contains(&amplitude),
        "amplitude {amplitude}"
    );
}

#[test]
fn conceal_loss_yields_a_full_frame_that_continues_the_tone() {
    let mut tone = Tone::new(440.0);
    let mut encoder = OpusEncoder::new(BITRATE_BPS).unwrap();
    let mut decoder = OpusDecoder::new().unwrap();
    for _ in 0..10 {
        decoder
            .decode(&encoder.encode(&tone.next_frame()).unwrap())
            .unwrap();
    }
    let concealed = decoder.conceal_loss().unwrap();
    assert_eq!(concealed.samples.len(), FRAME_SAMPLES);
    assert!(
        concealed
            .samples
            .iter()
            .any(|&sample| sample.unsigned_abs() > 1000),
        "concealment is not silence"
    );
}

#[test]
fn conceal_loss_works_before_any_packet() {
    let concealed = OpusDecoder::new().unwrap().conceal_loss().unwrap();
    assert_eq!(concealed.samples.len(), FRAME_SAMPLES);
}

#[test]
fn encoder_refuses_a_frame_of_the_wrong_length() {
    let mut encoder = OpusEncoder::new(BITRATE_BPS).unwrap();
    let short = AudioFrame {
        samples: vec![0; FRAME_SAMPLES / 2],
    };
    assert!(matches!(
        encoder.encode(&short),
        Err(CodecError::InvalidFrame(_))
    ));
}

#[test]
fn decoder_refuses_an_empty_packet() {
    let mut decoder = OpusDecoder::new().unwrap();
    assert!(matches!(
        decoder.decode(&[]),
        Err(CodecError::InvalidFrame(_))
    ));
}

#[test]
fn opus_codecs_can_move_to_another_thread() {
    let mut encoder = OpusEncoder::new(BITRATE_BPS).unwrap();
    let mut decoder = OpusDecoder::new().unwrap();
    let frame = Tone::new(440.0).next_frame();
    let decoded = std::thread::spawn(move || decoder.decode(&encoder.encode(&frame).unwrap()))
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(decoded.samples.len(), FRAME_SAMPLES);
}

#[test]
fn a_lost_packet_is_rebuilt_from_the_next_ones_redundancy() {
    let mut tone = Tone::new(800.0);
    let mut encoder = OpusEncoder::new(BITRATE_BPS).unwrap();
    let packets: Vec<_> = (0..30).map(|_| encoder.encode(&tone.next_frame()).unwrap()).collect();
    let mut decoder = OpusDecoder::new().unwrap();
    for packet in &packets[..20] {
        decoder.decode(packet).unwrap();
    }
    // Packet 20 is lost; packet 21 carries a low-bitrate copy of it.
    let recovered = decoder.recover_lost_from(&packets[21]).unwrap();
    assert_eq!(recovered.samples.len(), FRAME_SAMPLES);
    let peak = recovered.samples.iter().map(|s| s.unsigned_abs()).max().unwrap();
    assert!(peak > 4000, "the rebuilt frame is nearly silent (peak {peak})");
    assert!(power_at(&recovered.samples, 800.0) > 10.0 * power_at(&recovered.samples, 2400.0));
    decoder.decode(&packets[21]).unwrap();
}

#[test]
fn a_silence_shrinks_to_dtx_headers_with_a_refresh_every_400_ms_and_speech_comes_back_whole() {
    let mut encoder = OpusEncoder::new(BITRATE_BPS).unwrap();
    let mut tone = Tone::new(440.0);
    // Two seconds of silence after half a second of tone; DTX starts after a short hangover.
    let sizes: Vec<usize> = (0..25)
        .map(|_| tone.next_frame())
        .chain((0..100).map(|_| AudioFrame::silence()))
        .map(|frame| encoder.encode(&frame).unwrap().len())
        .collect();
    let silence = &sizes[25 + 25..];
    let headers_only = silence.iter().filter(|&&size| size <= 2).count();
    eprintln!("packet sizes in the silence: {silence:?}");
    assert!(headers_only >= silence.len() * 8 / 10, "only {headers_only} of {} silent frames left to DTX", silence.len());
    assert!(silence.iter().any(|&size| size > 2), "DTX refreshes the background now and then");
    assert!(encoder.encode(&tone.next_frame()).unwrap().len() > 20, "speech after the silence is coded in full");
}
