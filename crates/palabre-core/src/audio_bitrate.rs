//! How hard our voice encoder works, from what the other end says it received.
//!
//! Each RTCP receiver report about our audio carries the fraction of packets lost since the previous one (RFC 3550
//! §6.4.1, in 256ths). Loss on a call's uplink is mostly congestion: a lossy link gets a lower Opus bitrate, which
//! leaves room for the in-band FEC that the planned loss makes Opus spend; a clean link climbs back slowly, so one
//! good report after a bad spell does not undo the cut. Pure: reports in, settings out, no clock.

use crate::loss::loss_percent;

/// What the Opus encoder should be set to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioBitrate {
    pub bitrate_bps: u32,
    /// The loss Opus plans its in-band FEC for (`OPUS_SET_PACKET_LOSS_PERC`).
    pub expected_loss_percent: u8,
}

/// Clear wideband speech; what a call starts at and climbs back to.
pub const MAX_BITRATE_BPS: u32 = 32_000;
/// Below this Opus drops to narrowband and its FEC has little left to carry.
pub const MIN_BITRATE_BPS: u32 = 16_000;
/// Loss at or above which the bitrate is cut.
const CUT_AT_LOSS_PERCENT: u8 = 10;
/// Loss below which the bitrate climbs.
const CLIMB_BELOW_LOSS_PERCENT: u8 = 2;
/// Each lossy report keeps this share of the bitrate (in percent).
const CUT_KEEPS_PERCENT: u32 = 80;
/// Each clean report adds this much: from the floor to the top in eight reports (about eight seconds).
const CLIMB_STEP_BPS: u32 = 2_000;
/// FEC is planned for at least this loss even on a clean link, so the first lost packet is already covered.
const MIN_PLANNED_LOSS_PERCENT: u8 = 5;
/// Planning for more than this spends most of the bitrate on redundancy.
const MAX_PLANNED_LOSS_PERCENT: u8 = 25;

/// The bitrate policy for one outgoing audio stream.
#[derive(Debug, Clone)]
pub struct AudioBitratePolicy {
    current: AudioBitrate,
}

impl Default for AudioBitratePolicy {
    fn default() -> Self {
        Self { current: AudioBitrate { bitrate_bps: MAX_BITRATE_BPS, expected_loss_percent: MIN_PLANNED_LOSS_PERCENT } }
    }
}

impl AudioBitratePolicy {
    /// What to encode at before any report.
    pub fn current(&self) -> AudioBitrate {
        self.current
    }

    /// Takes one receiver report's `fraction_lost` (0–255, in 256ths) and returns the new settings.
    pub fn on_receiver_report(&mut self, fraction_lost: u8) -> AudioBitrate {
        let loss = loss_percent(fraction_lost) as u8;
        let bitrate = self.current.bitrate_bps;
        let bitrate_bps = if loss >= CUT_AT_LOSS_PERCENT {
            (bitrate * CUT_KEEPS_PERCENT / 100).max(MIN_BITRATE_BPS)
        } else if loss < CLIMB_BELOW_LOSS_PERCENT {
            (bitrate + CLIMB_STEP_BPS).min(MAX_BITRATE_BPS)
        } else {
            bitrate
        };
        let expected_loss_percent = loss.clamp(MIN_PLANNED_LOSS_PERCENT, MAX_PLANNED_LOSS_PERCENT);
        self.current = AudioBitrate { bitrate_bps, expected_loss_percent };
        self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::fraction_for_percent as lost;

    #[test]
    fn a_clean_link_keeps_the_top_bitrate_and_a_little_fec() {
        let mut policy = AudioBitratePolicy::default();
        assert_eq!(policy.current(), AudioBitrate { bitrate_bps: MAX_BITRATE_BPS, expected_loss_percent: 5 });
        for _ in 0..10 {
            assert_eq!(policy.on_receiver_report(0), AudioBitrate { bitrate_bps: MAX_BITRATE_BPS, expected_loss_percent: 5 });
        }
    }

    #[test]
    fn heavy_loss_cuts_step_by_step_to_the_floor_and_plans_fec_for_it() {
        let mut policy = AudioBitratePolicy::default();
        let rates: Vec<u32> = (0..6).map(|_| policy.on_receiver_report(lost(20)).bitrate_bps).collect();
        assert_eq!(rates, [25_600, 20_480, 16_384, 16_000, 16_000, 16_000]);
        assert_eq!(policy.current().expected_loss_percent, 20);
        assert_eq!(policy.on_receiver_report(255).expected_loss_percent, MAX_PLANNED_LOSS_PERCENT);
    }

    #[test]
    fn moderate_loss_holds_and_a_clean_link_climbs_back_slowly() {
        let mut policy = AudioBitratePolicy::default();
        policy.on_receiver_report(lost(30));
        policy.on_receiver_report(lost(30));
        let held = policy.current().bitrate_bps;
        assert_eq!(policy.on_receiver_report(lost(5)).bitrate_bps, held, "between 2 and 10 % the bitrate holds");
        let climb: Vec<u32> = (0..5).map(|_| policy.on_receiver_report(0).bitrate_bps).collect();
        assert_eq!(climb, [22_480, 24_480, 26_480, 28_480, 30_480]);
        assert_eq!(policy.on_receiver_report(0).bitrate_bps, 32_000);
        assert_eq!(policy.on_receiver_report(0).bitrate_bps, MAX_BITRATE_BPS, "never above the top");
    }

    #[test]
    fn one_lost_packet_in_256_is_not_a_lossy_link() {
        let mut policy = AudioBitratePolicy::default();
        policy.on_receiver_report(lost(20));
        let after_cut = policy.current().bitrate_bps;
        assert_eq!(policy.on_receiver_report(1).bitrate_bps, after_cut + CLIMB_STEP_BPS);
    }
}
