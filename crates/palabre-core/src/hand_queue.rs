//! Raised hands, in the order the room server relayed the raises.
//!
//! Every participant applies hand messages in the server's relay order (the sender included, on the echo), so
//! every queue in the meeting is the same. Raising a hand that is already raised keeps its place: everyone
//! re-announces a raised hand when someone joins, and that must not send them to the back.

use crate::ParticipantId;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandQueue {
    order: Vec<ParticipantId>,
}

impl HandQueue {
    /// Puts `id` at the back of the queue unless it is already in it; returns whether the queue changed.
    pub fn raise(&mut self, id: ParticipantId) -> bool {
        if self.order.contains(&id) {
            return false;
        }
        self.order.push(id);
        true
    }

    /// Takes `id` out of the queue; returns whether it was in it.
    pub fn lower(&mut self, id: ParticipantId) -> bool {
        let before = self.order.len();
        self.order.retain(|&other| other != id);
        self.order.len() != before
    }

    pub fn is_raised(&self, id: ParticipantId) -> bool {
        self.order.contains(&id)
    }

    /// Raised hands, first raised first.
    pub fn order(&self) -> &[ParticipantId] {
        &self.order
    }

    pub fn clear(&mut self) {
        self.order.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: ParticipantId = ParticipantId(1);
    const B: ParticipantId = ParticipantId(2);
    const C: ParticipantId = ParticipantId(3);

    #[test]
    fn hands_queue_in_raise_order() {
        let mut q = HandQueue::default();
        assert!(q.raise(B) && q.raise(A) && q.raise(C));
        assert_eq!(q.order(), [B, A, C]);
        assert!(q.lower(A));
        assert_eq!(q.order(), [B, C]);
        assert!(!q.lower(A));
    }

    #[test]
    fn raising_again_keeps_the_place_and_lowering_first_loses_it() {
        let mut q = HandQueue::default();
        q.raise(A);
        q.raise(B);
        assert!(!q.raise(A));
        assert_eq!(q.order(), [A, B]);
        q.lower(A);
        q.raise(A);
        assert_eq!(q.order(), [B, A]);
    }
}
