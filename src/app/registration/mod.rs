//! Attendance: registering virtually or on site, seats given in batches under the capacity
//! rules, the waitlist, self-service through a private link, and the organisers' reports.

pub mod attendance;
pub mod capacity;
pub mod register;
pub mod seating;
pub mod self_service;
pub mod views;
pub mod waitlist;
