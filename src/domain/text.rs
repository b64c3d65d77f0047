//! Typed text inputs (parse, don't validate): slugs, titles, language codes, email addresses.
//! Each type can only hold a valid value; its `Deserialize` reports why a value was refused.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Implements `Deserialize` through `FromStr`, so serde's error carries our reason.
macro_rules! deserialize_via_from_str {
    ($ty:ty) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <String as serde::Deserialize>::deserialize(deserializer)?;
                raw.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use deserialize_via_from_str;

/// The URL-safe name of an event: `izmir-2021`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl FromStr for Slug {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let valid_chars = raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if raw.is_empty() || raw.len() > 64 {
            Err("must be 1 to 64 characters long".into())
        } else if !valid_chars || raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            Err("may hold only lower-case letters, digits and single hyphens between them (like izmir-2021)".into())
        } else {
            Ok(Slug(raw.to_owned()))
        }
    }
}
deserialize_via_from_str!(Slug);

impl Slug {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A short human-readable line: trimmed, not empty, at most 300 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Title(String);

impl FromStr for Title {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            Err("must not be empty".into())
        } else if trimmed.chars().count() > 300 {
            Err("must be at most 300 characters long".into())
        } else if trimmed.chars().any(|c| c.is_control()) {
            Err("must be a single line without control characters".into())
        } else {
            Ok(Title(trimmed.to_owned()))
        }
    }
}
deserialize_via_from_str!(Title);

impl Title {
    pub fn into_inner(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password being set: 8 to 1000 characters, kept exactly as typed (spaces included).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl FromStr for NewPassword {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        if (8..=1000).contains(&raw.chars().count()) {
            Ok(NewPassword(raw.to_owned()))
        } else {
            Err("must be 8 to 1000 characters long".into())
        }
    }
}
deserialize_via_from_str!(NewPassword);

impl NewPassword {
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Never printed, even in a debug log.
impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// A language tag as programmes use it: ISO 639 code, optionally with a region (`fr`, `pt-BR`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct LanguageCode(String);

impl FromStr for LanguageCode {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let (language, region) = match raw.split_once('-') {
            Some((language, region)) => (language, Some(region)),
            None => (raw, None),
        };
        let language_ok =
            (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_lowercase());
        let region_ok =
            region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()));
        if language_ok && region_ok {
            Ok(LanguageCode(raw.to_owned()))
        } else {
            Err(format!(
                "'{raw}' is not a language code like 'fr', 'en' or 'pt-BR'"
            ))
        }
    }
}
deserialize_via_from_str!(LanguageCode);

impl LanguageCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn ui(&self) -> UiLanguage {
        UiLanguage::for_code(&self.0)
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The languages Convene itself writes in (dates, times, emails). Others fall back to English.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UiLanguage {
    Fr,
    En,
}

impl UiLanguage {
    pub fn for_code(code: &str) -> Self {
        if code == "fr" || code.starts_with("fr-") {
            UiLanguage::Fr
        } else {
            UiLanguage::En
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            UiLanguage::Fr => "fr",
            UiLanguage::En => "en",
        }
    }
}

/// An email address checked against RFC 5322 (via `email_address`), kept as typed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl FromStr for Email {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let trimmed = raw.trim();
        // The parser accepts display-name forms ("A <a@b>"); we want a bare mailbox only.
        let bare = !trimmed.contains(['<', '>', ' ', '\r', '\n']) && trimmed.len() <= 254;
        match email_address::EmailAddress::from_str(trimmed) {
            Ok(parsed) if bare && parsed.domain().contains('.') => Ok(Email(trimmed.to_owned())),
            _ => Err(format!("'{raw}' is not a valid email address")),
        }
    }
}
deserialize_via_from_str!(Email);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The form used to recognise the same person twice.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

/// An http(s) link such as an online meeting URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct WebUrl(String);

impl FromStr for WebUrl {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match url::Url::parse(raw.trim()) {
            // Counted as stored (normalised: `http://0/` becomes `http://0.0.0.0/`).
            Ok(url) if url.as_str().chars().count() > 2000 => {
                Err("must be at most 2000 characters long".into())
            }
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Ok(WebUrl(url.into()))
            }
            Ok(_) => Err("must be an http or https link".into()),
            Err(reason) => Err(format!("is not a valid link ({reason})")),
        }
    }
}
deserialize_via_from_str!(WebUrl);

impl WebUrl {
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Longest single line of free text (a venue, a city, an organisation, a talk title).
pub const MAX_LINE_CHARS: usize = 300;
/// Longest free text over several lines (real exports carry abstracts of over 20,000 characters).
pub const MAX_TEXT_CHARS: usize = 50_000;
/// Most guiding questions an event or a session may have.
pub const MAX_QUESTIONS: usize = 100;

/// One line of free text: trimmed, no line breaks or other control characters, at most
/// `MAX_LINE_CHARS`; blank is allowed (an optional field then counts as absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Line(String);

impl FromStr for Line {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let trimmed = raw.trim();
        if trimmed.chars().count() > MAX_LINE_CHARS {
            Err(format!("must be at most {MAX_LINE_CHARS} characters long"))
        } else if trimmed.chars().any(|c| c.is_control()) {
            Err("must be a single line without control characters".into())
        } else {
            Ok(Line(trimmed.to_owned()))
        }
    }
}
deserialize_via_from_str!(Line);

impl From<Line> for String {
    fn from(line: Line) -> String {
        line.0
    }
}

/// Free text over several lines (a description, an abstract, a note): tab and line breaks
/// allowed, other control characters not, at most `MAX_TEXT_CHARS`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Text(String);

impl FromStr for Text {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        if raw.chars().count() > MAX_TEXT_CHARS {
            Err(format!("must be at most {MAX_TEXT_CHARS} characters long"))
        } else if raw
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            Err("must not contain control characters other than tab and line breaks".into())
        } else {
            Ok(Text(raw.to_owned()))
        }
    }
}
deserialize_via_from_str!(Text);

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Line {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// Blank optional text counts as absent.
pub fn clean<T: Into<String>>(text: Option<T>) -> Option<String> {
    text.map(Into::into)
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_single_hyphens() {
        assert!("izmir-2021".parse::<Slug>().is_ok());
        for bad in [
            "",
            "Izmir",
            "izmir--2021",
            "-izmir",
            "izmir 2021",
            "izmir_2021",
        ] {
            assert!(bad.parse::<Slug>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn titles_are_trimmed_and_never_empty() {
        assert_eq!(
            "  Dialogue  ".parse::<Title>().unwrap().into_inner(),
            "Dialogue"
        );
        assert!("   ".parse::<Title>().is_err());
        assert!("a\r\nBcc: x".parse::<Title>().is_err());
    }

    #[test]
    fn emails_must_be_bare_mailboxes_with_a_domain() {
        assert!("tunc.soyer@izmir.bel.tr".parse::<Email>().is_ok());
        for bad in ["nobody", "a@b", "A <a@b.org>", "a@b.org\r\nBcc: c@d.org"] {
            assert!(bad.parse::<Email>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn language_codes_accept_regions() {
        assert!("pt-BR".parse::<LanguageCode>().is_ok());
        assert!("french".parse::<LanguageCode>().is_err());
        assert_eq!(
            "fr-CA".parse::<LanguageCode>().unwrap().ui(),
            UiLanguage::Fr
        );
        assert_eq!("tr".parse::<LanguageCode>().unwrap().ui(), UiLanguage::En);
    }
}
