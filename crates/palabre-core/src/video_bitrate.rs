//! How many bits our camera video may spend, from what the other end says it received.
//!
//! A camera stream is most of what a participant sends, so on a thin or congested uplink it is what overflows
//! the link, and every packet lost then is as likely to be voice as picture. Like the loss-based half of
//! WebRTC's congestion control (draft-ietf-rmcat-gcc §6), each RTCP receiver report's `fraction_lost` steers
//! the target: heavy loss cuts it in proportion to the loss, a clean link lets it climb a few percent per report
//! back to where it started, and loss in between holds it, since a little loss is the link's noise rather
//! than a queue overflowing. Pure: reports in, a bitrate out, no clock.

use crate::loss::loss_percent;

/// Loss at or above which the bitrate is cut.
const CUT_AT_LOSS_PERCENT: u32 = 10;
/// Loss below which the bitrate climbs.
const CLIMB_BELOW_LOSS_PERCENT: u32 = 2;
/// Each clean report adds this share (in percent): from half to the top in about nine reports.
const CLIMB_PERCENT: u32 = 8;
/// Below this a 640x360 picture is a smear of blocks; better a poor picture than none, so the cut stops here.
pub const MIN_VIDEO_KBPS: u32 = 100;

/// The bitrate policy for one outgoing camera stream.
#[derive(Debug, Clone)]
pub struct VideoBitratePolicy {
    max_kbps: u32,
    current_kbps: u32,
}

impl VideoBitratePolicy {
    /// Starts at `max_kbps`, the most the picture's size and rate deserve, and never goes above it.
    pub fn new(max_kbps: u32) -> Self {
        let max_kbps = max_kbps.max(MIN_VIDEO_KBPS);
        Self { max_kbps, current_kbps: max_kbps }
    }

    /// What to encode at now.
    pub fn current_kbps(&self) -> u32 {
        self.current_kbps
    }

    /// Takes one receiver report's `fraction_lost` (0–255, in 256ths) and returns the new target.
    pub fn on_receiver_report(&mut self, fraction_lost: u8) -> u32 {
        let loss = loss_percent(fraction_lost);
        let current = self.current_kbps;
        self.current_kbps = if loss >= CUT_AT_LOSS_PERCENT {
            // Keeping (1 − loss/2) aims just under what got through, so one report brings a flooded link near
            // its capacity without emptying it.
            (current * (200 - loss) / 200).max(MIN_VIDEO_KBPS)
        } else if loss < CLIMB_BELOW_LOSS_PERCENT {
            (current + (current * CLIMB_PERCENT).div_ceil(100)).min(self.max_kbps)
        } else {
            current
        };
        self.current_kbps
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::fraction_for_percent as lost;

    #[test]
    fn a_clean_link_keeps_the_starting_bitrate() {
        let mut policy = VideoBitratePolicy::new(600);
        assert_eq!(policy.current_kbps(), 600);
        for _ in 0..10 {
            assert_eq!(policy.on_receiver_report(0), 600);
        }
    }

    #[test]
    fn a_flooded_link_is_cut_in_proportion_to_the_loss() {
        // A 600 kbit/s stream into a 300 kbit/s link loses about half: one report brings it to 450, the next
        // (the link still overflowing by a third) to 375, and so on down to what passes.
        let mut policy = VideoBitratePolicy::new(600);
        assert_eq!(policy.on_receiver_report(lost(50)), 450);
        assert_eq!(policy.on_receiver_report(lost(33)), 375);
        assert_eq!(policy.on_receiver_report(lost(21)), 335);
        assert_eq!(policy.on_receiver_report(lost(12)), 314);
    }

    #[test]
    fn it_never_cuts_below_the_floor() {
        let mut policy = VideoBitratePolicy::new(600);
        for _ in 0..20 {
            policy.on_receiver_report(255);
        }
        assert_eq!(policy.current_kbps(), MIN_VIDEO_KBPS);
        assert_eq!(VideoBitratePolicy::new(40).current_kbps(), MIN_VIDEO_KBPS, "a tiny picture still gets the floor");
    }

    #[test]
    fn moderate_loss_holds_and_a_clean_link_climbs_back_to_the_start() {
        let mut policy = VideoBitratePolicy::new(600);
        policy.on_receiver_report(lost(60));
        let held = policy.current_kbps();
        assert_eq!(held, 420);
        assert_eq!(policy.on_receiver_report(lost(5)), held, "between 2 and 10 % the bitrate holds");
        let climb: Vec<u32> = (0..5).map(|_| policy.on_receiver_report(0)).collect();
        assert_eq!(climb, [454, 491, 531, 574, 600]);
        assert_eq!(policy.on_receiver_report(0), 600, "never above the start");
    }
}
