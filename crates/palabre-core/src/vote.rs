//! Votes and proxies, with public results.
//!
//! The animateur opens a vote (its id is a counter kept by the opener's core) with a question and options. Each
//! present participant whose role may vote answers once, plus once for each absent person whose proxy they hold
//! (`proxy_for`); a second answer is refused with a reason. Answers are public, with names. Closing a vote freezes
//! its totals, which the conference records in the attendance log.

use crate::{Millis, ParticipantId};

/// Options offered when the animateur gives none.
pub const DEFAULT_OPTIONS: [&str; 3] = ["pour", "contre", "abstention"];

/// One vote, open or closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub id: u32,
    pub opened_by: ParticipantId,
    pub question: String,
    pub options: Vec<String>,
    /// In the order the room server relayed them.
    pub answers: Vec<Answer>,
    pub open: bool,
    pub opened_at: Millis,
    pub closed_at: Option<Millis>,
}

/// One answer: the voter's own, or for an absent person whose proxy the voter holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub voter: ParticipantId,
    pub voter_name: String,
    pub proxy_for: Option<String>,
    pub option: String,
    pub at: Millis,
}

/// The animateur's record that `holder` votes for `absent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub holder: ParticipantId,
    pub holder_name: String,
    pub absent: String,
    pub at: Millis,
}

/// Why an answer does not count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoteError {
    #[error("there is no vote {0}")]
    Unknown(u32),
    #[error("vote {0} is closed")]
    Closed(u32),
    #[error("{0:?} is not one of the options of this vote")]
    NoSuchOption(String),
    #[error("{0} has already answered this vote")]
    AlreadyAnswered(String),
    #[error("{voter} does not hold the proxy of {absent}")]
    NoProxy { voter: String, absent: String },
    #[error("this vote already has an answer for {0}")]
    AlreadyAnsweredFor(String),
}

impl Vote {
    pub fn new(id: u32, opened_by: ParticipantId, question: String, options: Vec<String>, at: Millis) -> Self {
        Vote { id, opened_by, question, options, answers: Vec::new(), open: true, opened_at: at, closed_at: None }
    }

    /// Checks an answer without recording it. `holds_proxy` says whether the voter holds the proxy of
    /// `proxy_for`; it is not looked at for an answer of one's own.
    pub fn check(
        &self,
        voter: ParticipantId,
        voter_name: &str,
        option: &str,
        proxy_for: Option<&str>,
        holds_proxy: bool,
    ) -> Result<(), VoteError> {
        if !self.open {
            return Err(VoteError::Closed(self.id));
        }
        if !self.options.iter().any(|o| o == option) {
            return Err(VoteError::NoSuchOption(option.to_string()));
        }
        match proxy_for {
            None if self.answers.iter().any(|a| a.voter == voter && a.proxy_for.is_none()) => {
                Err(VoteError::AlreadyAnswered(voter_name.to_string()))
            }
            Some(absent) if !holds_proxy => {
                Err(VoteError::NoProxy { voter: voter_name.to_string(), absent: absent.to_string() })
            }
            // Per absent name, not per holder: a proxy moved to someone else cannot be used twice.
            Some(absent) if self.answers.iter().any(|a| a.proxy_for.as_deref() == Some(absent)) => {
                Err(VoteError::AlreadyAnsweredFor(absent.to_string()))
            }
            _ => Ok(()),
        }
    }

    /// Records an answer that [`Vote::check`] accepted.
    pub fn record(&mut self, answer: Answer) {
        self.answers.push(answer);
    }

    pub fn close(&mut self, at: Millis) {
        self.open = false;
        self.closed_at = Some(at);
    }

    /// Number of answers per option, in the options' order (zeros included).
    pub fn totals(&self) -> Vec<(String, usize)> {
        self.options
            .iter()
            .map(|option| (option.clone(), self.answers.iter().filter(|a| &a.option == option).count()))
            .collect()
    }

    /// "pour: 3, contre: 1, abstention: 0", for logs and the attendance record.
    pub fn totals_line(&self) -> String {
        self.totals().iter().map(|(option, n)| format!("{option}: {n}")).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote() -> Vote {
        Vote::new(1, ParticipantId(1), "Budget ?".into(), DEFAULT_OPTIONS.map(String::from).to_vec(), 0)
    }

    fn answer(voter: u64, option: &str, proxy_for: Option<&str>) -> Answer {
        Answer {
            voter: ParticipantId(voter),
            voter_name: format!("p{voter}"),
            proxy_for: proxy_for.map(String::from),
            option: option.into(),
            at: 0,
        }
    }

    #[test]
    fn totals_count_every_option_in_order() {
        let mut v = vote();
        v.record(answer(2, "pour", None));
        v.record(answer(3, "pour", None));
        v.record(answer(3, "abstention", Some("Marie")));
        assert_eq!(v.totals_line(), "pour: 2, contre: 0, abstention: 1");
    }

    #[test]
    fn one_answer_per_voter_and_per_proxy() {
        let mut v = vote();
        v.record(answer(2, "pour", None));
        v.record(answer(2, "pour", Some("Marie")));
        assert_eq!(v.check(ParticipantId(2), "p2", "contre", None, false), Err(VoteError::AlreadyAnswered("p2".into())));
        assert_eq!(
            v.check(ParticipantId(3), "p3", "contre", Some("Marie"), true),
            Err(VoteError::AlreadyAnsweredFor("Marie".into()))
        );
        assert!(matches!(v.check(ParticipantId(3), "p3", "contre", Some("Luc"), false), Err(VoteError::NoProxy { .. })));
        assert_eq!(v.check(ParticipantId(3), "p3", "peut-être", None, false), Err(VoteError::NoSuchOption("peut-être".into())));
        v.close(9);
        assert_eq!(v.check(ParticipantId(3), "p3", "pour", None, false), Err(VoteError::Closed(1)));
    }
}
