//! The closed vocabularies of the model: kinds, modes, statuses and roles, as they go over the wire
//! (snake_case) and into the database (the same strings).

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumIter, EnumString, IntoStaticStr};
use utoipa::ToSchema;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            Serialize, Deserialize, ToSchema, EnumString, AsRefStr, IntoStaticStr, EnumIter,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// The stored and wire form, e.g. `on_site`.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// What sort of gathering an event is.
    EventKind { Summit, PeerLearning, Workshop, StudyVisit, Webinar }
);

vocabulary!(
    /// How people take part: online, in the room, or either.
    AttendanceMode { Virtual, OnSite, Hybrid }
);

vocabulary!(
    /// The format of one programme item.
    SessionKind {
        Plenary, Dialogue, Workshop, Panel, Keynote, Cultural, Networking, StudyVisit, Break, Other
    }
);

vocabulary!(
    /// Only published sessions are shown to the public; cancelled ones stay for the record.
    SessionStatus { Draft, Published, Cancelled }
);

vocabulary!(
    /// The part a person plays in a session, as printed programmes name it.
    Role {
        Opening,
        Introduction,
        Presenter,
        Keynote,
        SpecialMessage,
        VideoMessage,
        Moderator,
        Panelist,
        Speaker,
        Discussant,
        Conclusion,
        Performer,
        Rapporteur
    }
);

vocabulary!(
    /// How a contribution reaches the audience: in the room, live from afar, or recorded beforehand.
    Contribution { Live, Remote, PreRecorded }
);

vocabulary!(
    /// Where a speaker stands with their slot.
    ParticipantStatus { Proposed, Invited, Confirmed, Declined, Withdrawn }
);

vocabulary!(
    /// How a registrant takes part in the event as a whole, and in each session.
    Mode { Virtual, OnSite }
);

vocabulary!(
    /// Where a registrant's seat at one session stands; the waitlist is served in the order seats
    /// joined it.
    SeatStatus { Confirmed, Waitlisted, Cancelled }
);

vocabulary!(
    /// A registration is active until its registrant cancels it or has it erased.
    RegistrationStatus { Active, Cancelled, Erased }
);

vocabulary!(
    /// An email in the outbox: waiting, claimed by a worker, delivered, or given up on.
    MailStatus { Pending, Sending, Sent, Dead }
);

impl SessionKind {
    /// The kind nearest to a label another tool wrote (pretalx's "Talk", pentabarf's "lecture",
    /// "Long talk (45 minutes)"): our own names first, then words the label contains; anything
    /// else is `Other`.
    pub fn nearest(label: &str) -> SessionKind {
        let lower = label.trim().to_lowercase();
        if let Ok(kind) = lower.replace([' ', '-'], "_").parse() {
            return kind;
        }
        let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        if has(&["workshop", "atelier", "tutorial", "hands-on", "lab"]) {
            SessionKind::Workshop
        } else if has(&["panel", "table ronde", "round table", "roundtable"]) {
            SessionKind::Panel
        } else if has(&[
            "keynote",
            "opening",
            "closing",
            "plénière",
            "plenary",
            "maintrack",
        ]) {
            SessionKind::Keynote
        } else if has(&["break", "lunch", "coffee", "pause", "dinner"]) {
            SessionKind::Break
        } else if has(&["talk", "lecture", "presentation", "conférence"]) {
            // A talk is none of our kinds; its own label says more than a guess would.
            SessionKind::Other
        } else if has(&["discussion", "dialogue", "bof", "meetup"]) {
            SessionKind::Dialogue
        } else if has(&[
            "concert",
            "music",
            "performance",
            "film",
            "screening",
            "art",
        ]) {
            SessionKind::Cultural
        } else if has(&["social", "networking", "party", "reception"]) {
            SessionKind::Networking
        } else if has(&["visit", "tour", "excursion"]) {
            SessionKind::StudyVisit
        } else {
            SessionKind::Other
        }
    }
}

impl Mode {
    /// The mode this registrant attends `session` in, or `None` if they cannot.
    pub fn at(self, session: AttendanceMode) -> Option<Mode> {
        match (self, session) {
            (_, AttendanceMode::Virtual) => Some(Mode::Virtual),
            (Mode::OnSite, _) => Some(Mode::OnSite),
            (Mode::Virtual, AttendanceMode::Hybrid) => Some(Mode::Virtual),
            (Mode::Virtual, AttendanceMode::OnSite) => None,
        }
    }
}

impl AttendanceMode {
    /// Whether someone attending in `self` mode can follow a session held in `session` mode.
    pub fn can_follow(self, session: AttendanceMode) -> bool {
        match self {
            AttendanceMode::Hybrid => true,
            mode => session == AttendanceMode::Hybrid || session == mode,
        }
    }

    pub fn has_room(self) -> bool {
        matches!(self, AttendanceMode::OnSite | AttendanceMode::Hybrid)
    }

    pub fn is_online(self) -> bool {
        matches!(self, AttendanceMode::Virtual | AttendanceMode::Hybrid)
    }
}

impl Role {
    /// The heading a printed programme uses for this role.
    pub fn label(self, lang: crate::domain::text::UiLanguage) -> &'static str {
        use crate::domain::text::UiLanguage::*;
        match (self, lang) {
            (Role::Opening, Fr) => "Bienvenue et ouverture",
            (Role::Opening, En) => "Welcome and opening",
            (Role::Introduction, Fr) => "Introduction",
            (Role::Introduction, En) => "Introduction",
            (Role::Presenter, Fr) => "Présentation",
            (Role::Presenter, En) => "Presentation",
            (Role::Keynote, Fr) => "Discours principal",
            (Role::Keynote, En) => "Keynote",
            (Role::SpecialMessage, Fr) => "Message spécial",
            (Role::SpecialMessage, En) => "Special message",
            (Role::VideoMessage, Fr) => "Message vidéo",
            (Role::VideoMessage, En) => "Video message",
            (Role::Moderator, Fr) => "Modération",
            (Role::Moderator, En) => "Moderator",
            (Role::Panelist, Fr) => "Panel - Bonnes pratiques des villes",
            (Role::Panelist, En) => "Panel - Good city practices",
            (Role::Speaker, Fr) => "Intervenants",
            (Role::Speaker, En) => "Speakers",
            (Role::Discussant, Fr) => "Discussion",
            (Role::Discussant, En) => "Discussant",
            (Role::Conclusion, Fr) => "Conclusion",
            (Role::Conclusion, En) => "Conclusion",
            (Role::Performer, Fr) => "Interprète",
            (Role::Performer, En) => "Performer",
            (Role::Rapporteur, Fr) => "Rapporteur",
            (Role::Rapporteur, En) => "Rapporteur",
        }
    }
}

#[cfg(test)]
mod nearest_tests {
    use super::SessionKind;

    #[test]
    fn other_tools_labels_find_the_nearest_kind() {
        for (label, kind) in [
            ("panel", SessionKind::Panel),
            ("Study visit", SessionKind::StudyVisit),
            ("Workshop 110min", SessionKind::Workshop),
            ("Talk 60min + 20min Q&A", SessionKind::Other),
            ("lecture", SessionKind::Other),
            ("Keynote", SessionKind::Keynote),
            ("Coffee break", SessionKind::Break),
            ("BoF", SessionKind::Dialogue),
            ("", SessionKind::Other),
        ] {
            assert_eq!(SessionKind::nearest(label), kind, "{label}");
        }
    }
}
