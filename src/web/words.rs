//! The words of the public pages, in French and English. One dictionary per language, so a
//! template reads `t.register` and never branches on the language itself.

use minijinja::{Value, context};

use crate::domain::text::UiLanguage;
use crate::domain::vocab::AttendanceMode;
use crate::domain::vocab::RegistrationStatus;
use crate::domain::vocab::SeatStatus;

fn map(pairs: &[(&'static str, &'static str)]) -> Value {
    Value::from_iter(pairs.iter().copied())
}

pub fn words(lang: UiLanguage) -> Value {
    match lang {
        UiLanguage::Fr => context! {
            skip => "Aller au contenu", language => "Langue", footer => "Programme publié avec Convene.",
            programme => "Programme", your_zone => "Votre fuseau horaire", event_zones_only => "(fuseaux de l'événement seulement)",
            show => "Afficher", subscribe => "S'abonner au programme (webcal)", register => "S'inscrire",
            guiding_questions => "Questions directrices", background_papers => "Documents de référence",
            online => "En ligne", your_time => "Chez vous", pre_recorded => "message préenregistré",
            add_to_calendar => "Ajouter à mon agenda", nothing_published => "Le programme n'est pas encore publié.",
            kinds => map(&[("plenary", "Plénière"), ("dialogue", "Dialogue"), ("workshop", "Atelier"), ("panel", "Table ronde"), ("keynote", "Discours"), ("cultural", "Moment culturel"), ("networking", "Rencontres"), ("study_visit", "Visite d'étude"), ("break", "Pause"), ("other", "Autre")]),
            modes => map(&[(AttendanceMode::Virtual.as_str(), "En ligne"), (AttendanceMode::OnSite.as_str(), "Sur place"), (AttendanceMode::Hybrid.as_str(), "Hybride")]),
            statuses => map(&[(RegistrationStatus::Active.as_str(), "active"), (RegistrationStatus::Cancelled.as_str(), "annulée"), (RegistrationStatus::Erased.as_str(), "effacée")]),
            seat_statuses => map(&[(SeatStatus::Confirmed.as_str(), "confirmée"), (SeatStatus::Waitlisted.as_str(), "liste d'attente"), (SeatStatus::Cancelled.as_str(), "annulée")]),
            back_to_programme => "Retour au programme", fix_errors => "Merci de corriger ces points :", optional => "facultatif",
            // French typography: a thin space before the colon, guillemets around a title.
            colon => "\u{202f}:", quote_open => "«\u{a0}", quote_close => "\u{a0}»",
            name => "Nom complet", email => "Adresse e-mail", organisation => "Organisation", city => "Ville", country => "Pays",
            attendance => "Participation", sessions => "Séances",
            sessions_hint => "(ne rien cocher : toutes les séances ouvertes à votre mode de participation)",
            your_language => "Langue des e-mails", register_button => "Je m'inscris",
            delivery => "Recevoir mes séances",
            delivery_invitations => "une invitation d'agenda par séance (chaque séance s'ajoute, se déplace ou s'annule seule dans votre agenda)",
            delivery_single => "un seul e-mail avec toutes mes séances et l'abonnement à mon agenda personnel, qui suit chaque changement",
            privacy => "Vos données servent uniquement à cet événement ; vous pourrez les effacer à tout moment depuis votre lien personnel.",
            already_registered => "Cette adresse est déjà inscrite : votre lien personnel vous a été envoyé par e-mail lors de l'inscription.",
            csrf_failed => "Le formulaire a expiré ; il a été rechargé, merci de l'envoyer à nouveau.",
            your_registration => "Votre inscription", hello => "Bonjour", status => "statut", your_sessions => "Vos séances",
            session => "Séance", time_your_zone => "Heure (votre fuseau)", seat => "Place", join => "Rejoindre en ligne",
            feed => "Votre agenda personnel (abonnement)", change => "Modifier ma participation", save => "Enregistrer",
            cancel_heading => "Annuler", cancel => "Annuler mon inscription", erase => "Effacer mes données",
            erase_note => "L'effacement annule aussi l'inscription et supprime vos données personnelles ; il est définitif.",
            saved => "Vos changements sont enregistrés.", cancelled_done => "Votre inscription est annulée ; les annulations d'agenda sont envoyées.",
            erased => "Vos données ont été effacées.",
            role => "Votre rôle", question => "Pouvez-vous intervenir ?", confirm => "Oui, je confirme", decline => "Non, je décline",
            availability => "Vos disponibilités pendant l'événement (facultatif)",
            availability_hint => "Indiquez jusqu'à trois créneaux, dans votre fuseau horaire.",
            available_from => "Disponible à partir de", available_until => "jusqu'à",
            note => "Un mot pour les organisateurs (facultatif)", send => "Envoyer", thanks => "Merci",
            answered_confirm => "Votre confirmation est enregistrée ; une invitation d'agenda est en route.",
            answered_decline => "Votre refus est enregistré. Merci de nous avoir répondu.",
        },
        UiLanguage::En => context! {
            skip => "Skip to content", language => "Language", footer => "Programme published with Convene.",
            programme => "Programme", your_zone => "Your time zone", event_zones_only => "(event's zones only)",
            show => "Show", subscribe => "Subscribe to the programme (webcal)", register => "Register",
            guiding_questions => "Guiding questions", background_papers => "Background papers",
            online => "Online", your_time => "Your time", pre_recorded => "pre-recorded message",
            add_to_calendar => "Add to calendar", nothing_published => "The programme is not published yet.",
            kinds => map(&[("plenary", "Plenary"), ("dialogue", "Dialogue"), ("workshop", "Workshop"), ("panel", "Panel"), ("keynote", "Keynote"), ("cultural", "Cultural moment"), ("networking", "Networking"), ("study_visit", "Study visit"), ("break", "Break"), ("other", "Other")]),
            modes => map(&[(AttendanceMode::Virtual.as_str(), "Online"), (AttendanceMode::OnSite.as_str(), "On site"), (AttendanceMode::Hybrid.as_str(), "Hybrid")]),
            statuses => map(&[(RegistrationStatus::Active.as_str(), "active"), (RegistrationStatus::Cancelled.as_str(), "cancelled"), (RegistrationStatus::Erased.as_str(), "erased")]),
            seat_statuses => map(&[(SeatStatus::Confirmed.as_str(), "confirmed"), (SeatStatus::Waitlisted.as_str(), "waitlisted"), (SeatStatus::Cancelled.as_str(), "cancelled")]),
            back_to_programme => "Back to the programme", fix_errors => "Please fix the following:", optional => "optional",
            colon => ":", quote_open => "“", quote_close => "”",
            name => "Full name", email => "Email address", organisation => "Organisation", city => "City", country => "Country",
            attendance => "Attendance", sessions => "Sessions",
            sessions_hint => "(tick none for every session open to your attendance mode)",
            your_language => "Language of emails", register_button => "Register",
            delivery => "Receive my sessions as",
            delivery_invitations => "one calendar invitation per session (each session is added, moved or cancelled on its own in your calendar)",
            delivery_single => "one email with all my sessions and a subscription to my personal calendar, which follows every change",
            privacy => "Your data is used for this event only; you can erase it at any time from your personal link.",
            already_registered => "This address is already registered: your personal link was emailed to you when you registered.",
            csrf_failed => "The form had expired; it has been reloaded, please send it again.",
            your_registration => "Your registration", hello => "Hello", status => "status", your_sessions => "Your sessions",
            session => "Session", time_your_zone => "Time (your zone)", seat => "Seat", join => "Join online",
            feed => "Your personal calendar (subscribe)", change => "Change how you take part", save => "Save",
            cancel_heading => "Cancel", cancel => "Cancel my registration", erase => "Erase my data",
            erase_note => "Erasing also cancels your registration and deletes your personal data; it cannot be undone.",
            saved => "Your changes are saved.", cancelled_done => "Your registration is cancelled; calendar cancellations are on their way.",
            erased => "Your data has been erased.",
            role => "Your role", question => "Can you take this slot?", confirm => "Yes, I confirm", decline => "No, I decline",
            availability => "When you are available during the event (optional)",
            availability_hint => "Give up to three windows, in your own time zone.",
            available_from => "Available from", available_until => "until",
            note => "A note for the organisers (optional)", send => "Send", thanks => "Thank you",
            answered_confirm => "Your confirmation is recorded; a calendar invitation is on its way.",
            answered_decline => "Your answer is recorded: you declined. Thank you for letting us know.",
        },
    }
}
