//! Seat-giving as a pure decision. A batch of registrations reads how many places and seats are
//! taken (once, under the event's lock), then decides every registration here in turn, each one
//! counted in before the next, so the last seat goes to exactly one of them; the caller writes
//! what was decided.

use std::collections::HashMap;

use super::vocab::{Mode, SeatStatus};

/// A limit (`None`: unlimited) and how much of it is taken; counted only when there is a limit.
pub type Taken = (Option<i64>, i64);

/// Whether nothing is left of a limit.
pub fn is_full((limit, taken): Taken) -> bool {
    limit.is_some_and(|limit| taken >= limit)
}

/// What a batch knows of an event's places and its sessions' seats and waitlists, as read at
/// the start of the batch and kept up to date as it decides.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Event-wide places per (event, mode): every active registration takes one, seated or not.
    pub places: HashMap<(i64, Mode), Taken>,
    /// On-site seats per session.
    pub seats: HashMap<i64, Taken>,
    /// How many wait for a seat, per session.
    pub waitlists: HashMap<i64, u64>,
}

/// One seat as decided: confirmed, or waiting at a place in the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeatDecision {
    pub status: SeatStatus,
    pub waitlist_position: Option<u64>,
}

impl Ledger {
    /// Decides the seats of one new registration of event `event_id` in `mode`, for `sessions`
    /// (each with the mode it is followed in), and counts them in. `None` when a count this
    /// needs was not read: deciding without it could give away a seat that is not there.
    pub fn decide(
        &mut self,
        event_id: i64,
        mode: Mode,
        sessions: &[(i64, Mode)],
    ) -> Option<Vec<SeatDecision>> {
        let places = self.places.get_mut(&(event_id, mode))?;
        let room_in_event = !is_full(*places);
        let mut decided = Vec::with_capacity(sessions.len());
        for &(session_id, session_mode) in sessions {
            let status = if !room_in_event {
                SeatStatus::Waitlisted
            } else if session_mode == Mode::Virtual {
                SeatStatus::Confirmed
            } else {
                let seats = self.seats.get_mut(&session_id)?;
                if is_full(*seats) {
                    SeatStatus::Waitlisted
                } else {
                    seats.1 += 1;
                    SeatStatus::Confirmed
                }
            };
            let waitlist_position = match status {
                SeatStatus::Waitlisted => {
                    let length = self.waitlists.entry(session_id).or_insert(0);
                    *length += 1;
                    Some(*length)
                }
                _ => None,
            };
            decided.push(SeatDecision {
                status,
                waitlist_position,
            });
        }
        if let Some(places) = self.places.get_mut(&(event_id, mode)) {
            places.1 += 1;
        }
        Some(decided)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: i64 = 1;
    const WORKSHOP: i64 = 10;
    const PLENARY: i64 = 11;

    fn ledger(event_places: Taken, workshop_seats: Taken, waiting: u64) -> Ledger {
        Ledger {
            places: HashMap::from([((EVENT, Mode::OnSite), event_places)]),
            seats: HashMap::from([(WORKSHOP, workshop_seats)]),
            waitlists: HashMap::from([(WORKSHOP, waiting)]),
        }
    }

    #[test]
    fn the_last_seat_goes_to_exactly_one_and_the_next_waits_behind_those_already_waiting() {
        let mut ledger = ledger((None, 0), (Some(20), 19), 3);
        let first = ledger
            .decide(EVENT, Mode::OnSite, &[(WORKSHOP, Mode::OnSite)])
            .unwrap();
        let second = ledger
            .decide(EVENT, Mode::OnSite, &[(WORKSHOP, Mode::OnSite)])
            .unwrap();
        assert_eq!(first[0].status, SeatStatus::Confirmed);
        assert_eq!(second[0].status, SeatStatus::Waitlisted);
        assert_eq!(second[0].waitlist_position, Some(4));
    }

    #[test]
    fn a_full_event_waitlists_every_session_and_sessions_followed_online_need_no_seat() {
        let mut full = ledger((Some(50), 50), (None, 0), 0);
        let decided = full
            .decide(EVENT, Mode::OnSite, &[(WORKSHOP, Mode::OnSite)])
            .unwrap();
        assert_eq!(decided[0].status, SeatStatus::Waitlisted);

        let mut open = ledger((None, 0), (Some(0), 0), 0);
        open.places.insert((EVENT, Mode::Virtual), (None, 0));
        let decided = open
            .decide(EVENT, Mode::Virtual, &[(PLENARY, Mode::Virtual)])
            .unwrap();
        assert_eq!(decided[0].status, SeatStatus::Confirmed);
    }

    #[test]
    fn a_count_that_was_not_read_refuses_to_decide() {
        let mut ledger = ledger((None, 0), (Some(20), 0), 0);
        assert_eq!(
            ledger.decide(EVENT, Mode::OnSite, &[(PLENARY, Mode::OnSite)]),
            None
        );
        assert_eq!(ledger.decide(2, Mode::OnSite, &[]), None);
    }
}
