//! `--do SECS:ACTION`: what a scripted participant does, and when.

use palabre_rtc::Call;

#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledAction {
    /// Seconds after joining.
    pub at: f64,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Chat(String),
    Mute,
    Unmute,
    CameraOff,
    CameraOn,
    RaiseHand,
    LowerHand,
}

impl ScheduledAction {
    pub fn parse(text: &str) -> Result<ScheduledAction, String> {
        let (at, action) = text.split_once(':').ok_or("expected SECS:ACTION, for example 3:chat=Bonjour")?;
        let at: f64 = at.trim().parse().map_err(|_| format!("{at:?} is not a number of seconds"))?;
        if !at.is_finite() || at < 0.0 {
            return Err(format!("{at} is not a time after joining"));
        }
        let action = match action.split_once('=') {
            Some(("chat", text)) if !text.trim().is_empty() => Action::Chat(text.to_string()),
            Some(("chat", _)) => return Err("chat needs a message: SECS:chat=TEXT".into()),
            Some(_) => return Err(format!("unknown action {action:?}")),
            None => match action {
                "mute" => Action::Mute,
                "unmute" => Action::Unmute,
                "camera-off" => Action::CameraOff,
                "camera-on" => Action::CameraOn,
                "raise-hand" => Action::RaiseHand,
                "lower-hand" => Action::LowerHand,
                other => {
                    return Err(format!(
                        "unknown action {other:?}: use chat=TEXT, mute, unmute, camera-off, camera-on, raise-hand or lower-hand"
                    ))
                }
            },
        };
        Ok(ScheduledAction { at, action })
    }
}

impl Action {
    pub fn apply(&self, call: &Call) {
        match self {
            Action::Chat(text) => call.send_chat(text.clone(), None),
            Action::Mute => call.set_audio_muted(true),
            Action::Unmute => call.set_audio_muted(false),
            Action::CameraOff => call.set_video_muted(true),
            Action::CameraOn => call.set_video_muted(false),
            Action::RaiseHand => call.set_hand_raised(true),
            Action::LowerHand => call.set_hand_raised(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_parse_with_their_time() {
        let parsed = ScheduledAction::parse("3:chat=Bonjour: à tous").unwrap();
        assert_eq!(parsed, ScheduledAction { at: 3.0, action: Action::Chat("Bonjour: à tous".into()) });
        assert_eq!(ScheduledAction::parse("0.5:raise-hand").unwrap().action, Action::RaiseHand);
    }

    #[test]
    fn bad_actions_say_what_is_wrong() {
        for (text, expected) in [
            ("soon:chat=x", "not a number"),
            ("-1:mute", "not a time"),
            ("2:dance", "unknown action"),
            ("2:chat=", "needs a message"),
            ("nothing", "expected SECS:ACTION"),
        ] {
            let error = ScheduledAction::parse(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
