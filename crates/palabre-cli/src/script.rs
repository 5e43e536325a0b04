//! `--do SECS:ACTION`: what a scripted participant does, and when. People are named by display name, as a
//! moderator would name them; the name is looked up when the action runs.

use palabre_core::{ModeratorAction, ParticipantId, Role};
use palabre_rtc::{Call, ScreenOptions};

#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledAction {
    /// Seconds after joining.
    pub at: f64,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Chat(String),
    ChatTo { name: String, text: String },
    Mute,
    Unmute,
    CameraOff,
    CameraOn,
    RaiseHand,
    LowerHand,
    MuteAll,
    Admit(String),
    Refuse(String),
    Lock(bool),
    Kick(String),
    SetRole { name: String, role: Role },
    Proxy { holder: String, absent: String },
    OpenVote(String),
    Vote(String),
    /// Share what --screen or --screen-file names.
    Share,
    StopShare,
}

const ACTIONS: &str = "chat=TEXT, chat-to=NAME:TEXT, mute, unmute, camera-off, camera-on, raise-hand, lower-hand, \
                       mute-all, admit=NAME, refuse=NAME, lock, unlock, kick=NAME, role=NAME:ROLE, \
                       proxy=HOLDER:ABSENT, vote-open=QUESTION, vote=OPTION, share or stop-share";

impl ScheduledAction {
    pub fn parse(text: &str) -> Result<ScheduledAction, String> {
        let (at, action) = text.split_once(':').ok_or("expected SECS:ACTION, for example 3:chat=Bonjour")?;
        let at: f64 = at.trim().parse().map_err(|_| format!("{at:?} is not a number of seconds"))?;
        if !at.is_finite() || at < 0.0 {
            return Err(format!("{at} is not a time after joining"));
        }
        Ok(ScheduledAction { at, action: Action::parse(action)? })
    }
}

impl Action {
    fn parse(text: &str) -> Result<Action, String> {
        let pair = |value: &str, what: &str| -> Result<(String, String), String> {
            match value.split_once(':') {
                Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => Ok((a.to_string(), b.to_string())),
                _ => Err(format!("expected {what}")),
            }
        };
        let action = match text.split_once('=') {
            Some((_, "")) => return Err(format!("{text:?} needs a value after '='")),
            Some(("chat", message)) => Action::Chat(message.to_string()),
            Some(("chat-to", value)) => {
                let (name, text) = pair(value, "chat-to=NAME:TEXT")?;
                Action::ChatTo { name, text }
            }
            Some(("admit", name)) => Action::Admit(name.to_string()),
            Some(("refuse", name)) => Action::Refuse(name.to_string()),
            Some(("kick", name)) => Action::Kick(name.to_string()),
            Some(("role", value)) => {
                let (name, role) = pair(value, "role=NAME:ROLE")?;
                Action::SetRole { name, role: parse_role(&role)? }
            }
            Some(("proxy", value)) => {
                let (holder, absent) = pair(value, "proxy=HOLDER:ABSENT")?;
                Action::Proxy { holder, absent }
            }
            Some(("vote-open", question)) => Action::OpenVote(question.to_string()),
            Some(("vote", option)) => Action::Vote(option.to_string()),
            Some(_) => return Err(format!("unknown action {text:?}: use {ACTIONS}")),
            None => match text {
                "mute" => Action::Mute,
                "unmute" => Action::Unmute,
                "camera-off" => Action::CameraOff,
                "camera-on" => Action::CameraOn,
                "raise-hand" => Action::RaiseHand,
                "lower-hand" => Action::LowerHand,
                "mute-all" => Action::MuteAll,
                "lock" => Action::Lock(true),
                "unlock" => Action::Lock(false),
                "share" => Action::Share,
                "stop-share" => Action::StopShare,
                other => return Err(format!("unknown action {other:?}: use {ACTIONS}")),
            },
        };
        Ok(action)
    }

    /// Does it now; a name that matches nobody, or a screen that cannot be shared, is an error for the report,
    /// and the call goes on.
    pub fn apply(&self, call: &Call, screen: Option<&ScreenOptions>) -> Result<(), String> {
        match self {
            Action::Chat(text) => call.send_chat(text.clone(), None),
            Action::ChatTo { name, text } => call.send_chat(text.clone(), Some(present(call, name)?)),
            Action::Mute => call.set_audio_muted(true),
            Action::Unmute => call.set_audio_muted(false),
            Action::CameraOff => call.set_video_muted(true),
            Action::CameraOn => call.set_video_muted(false),
            Action::RaiseHand => call.set_hand_raised(true),
            Action::LowerHand => call.set_hand_raised(false),
            Action::MuteAll => call.moderate(ModeratorAction::MuteAll { except: Vec::new() }),
            Action::Admit(name) => call.moderate(ModeratorAction::Admit(waiting(call, name)?)),
            Action::Refuse(name) => call.moderate(ModeratorAction::Refuse(waiting(call, name)?)),
            Action::Lock(locked) => call.moderate(ModeratorAction::Lock(*locked)),
            Action::Kick(name) => call.moderate(ModeratorAction::Remove(present(call, name)?)),
            Action::SetRole { name, role } => call.moderate(ModeratorAction::SetRole(present(call, name)?, *role)),
            Action::Proxy { holder, absent } => {
                let holder = present(call, holder)?;
                call.moderate(ModeratorAction::RecordProxy { holder, absent: absent.clone() })
            }
            Action::OpenVote(question) => {
                call.moderate(ModeratorAction::OpenVote { question: question.clone(), options: Vec::new() })
            }
            Action::Vote(option) => {
                let open = call.conference(|c| c.votes().iter().rev().find(|v| v.open).map(|v| v.id));
                let vote = open.ok_or("no vote is open")?;
                call.cast_vote(vote, option.clone(), None);
            }
            Action::Share => {
                let screen = screen.ok_or("nothing to share: give --screen or --screen-file")?;
                call.share_screen(screen).map_err(|e| e.to_string())?;
            }
            Action::StopShare => call.stop_sharing(),
        }
        Ok(())
    }
}

fn parse_role(text: &str) -> Result<Role, String> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_string())).map_err(|_| {
        format!("unknown role {text:?}: animateur, moderateur, intervenant, participant-actif or participant-passif")
    })
}

/// Someone in the meeting (ourselves included), by display name.
fn present(call: &Call, name: &str) -> Result<ParticipantId, String> {
    call.conference(|c| c.me().into_iter().chain(c.others()).find(|p| p.info.name == name).map(|p| p.info.id))
        .ok_or_else(|| format!("nobody named {name:?} is in the meeting"))
}

/// Someone waiting in the lobby, by display name.
fn waiting(call: &Call, name: &str) -> Result<ParticipantId, String> {
    call.conference(|c| c.lobby().iter().find(|p| p.name == name).map(|p| p.id))
        .ok_or_else(|| format!("nobody named {name:?} is waiting in the lobby"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_parse_with_their_time() {
        let parsed = ScheduledAction::parse("3:chat=Bonjour: à tous").unwrap();
        assert_eq!(parsed, ScheduledAction { at: 3.0, action: Action::Chat("Bonjour: à tous".into()) });
        assert_eq!(ScheduledAction::parse("0.5:raise-hand").unwrap().action, Action::RaiseHand);
        assert_eq!(
            ScheduledAction::parse("4:role=Bruno Petit:participant-passif").unwrap().action,
            Action::SetRole { name: "Bruno Petit".into(), role: Role::ParticipantPassif }
        );
        assert_eq!(
            ScheduledAction::parse("1:chat-to=Ana:à toi: seule").unwrap().action,
            Action::ChatTo { name: "Ana".into(), text: "à toi: seule".into() }
        );
        assert_eq!(ScheduledAction::parse("2:unlock").unwrap().action, Action::Lock(false));
    }

    #[test]
    fn bad_actions_say_what_is_wrong() {
        for (text, expected) in [
            ("soon:chat=x", "not a number"),
            ("-1:mute", "not a time"),
            ("2:dance", "unknown action"),
            ("2:chat=", "needs a value"),
            ("nothing", "expected SECS:ACTION"),
            ("2:role=Ana:roi", "unknown role"),
            ("2:proxy=Ana", "expected proxy=HOLDER:ABSENT"),
        ] {
            let error = ScheduledAction::parse(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
