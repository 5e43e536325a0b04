//! Reading the loss an RTCP receiver report states.

/// A report block's `fraction_lost` (RFC 3550 §6.4.1: packets lost since the previous report, in 256ths) as a
/// whole percentage, rounded up so that any loss at all counts as at least 1 %.
pub fn loss_percent(fraction_lost: u8) -> u32 {
    (u32::from(fraction_lost) * 100).div_ceil(256)
}

/// `percent` of packets lost, as a report's `fraction_lost`: what the policies' tests feed them.
#[cfg(test)]
pub(crate) fn fraction_for_percent(percent: u32) -> u8 {
    (percent * 256 / 100).min(255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_in_256ths_become_percentages_rounded_up() {
        assert_eq!(loss_percent(0), 0);
        assert_eq!(loss_percent(1), 1);
        assert_eq!(loss_percent(128), 50);
        assert_eq!(loss_percent(255), 100);
    }
}
