//! IANA time zones as typed input, with "did you mean" suggestions for misspelt names.

use std::fmt;
use std::str::FromStr;

use chrono_tz::{TZ_VARIANTS, Tz};
use serde::{Serialize, Serializer};

use super::text::deserialize_via_from_str;

/// A time zone from the tz database bundled with chrono-tz.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Zone(Tz);

/// A name that is not in the tz database, with the closest names that are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownZone {
    pub input: String,
    pub suggestions: Vec<&'static str>,
}

impl fmt::Display for UnknownZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown time zone '{}'", self.input)?;
        match self.suggestions.as_slice() {
            [] => write!(f, "; use an IANA name such as Europe/Paris"),
            [only] => write!(f, "; did you mean {only}?"),
            many => write!(f, "; did you mean one of {}?", many.join(", ")),
        }
    }
}

impl FromStr for Zone {
    type Err = UnknownZone;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        raw.trim().parse::<Tz>().map(Zone).map_err(|_| UnknownZone {
            input: raw.to_owned(),
            suggestions: close_matches(raw.trim()),
        })
    }
}
deserialize_via_from_str!(Zone);

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl From<Tz> for Zone {
    fn from(tz: Tz) -> Self {
        Zone(tz)
    }
}

impl Zone {
    pub fn tz(self) -> Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// A label for a zone nobody named: its city, as in "Asia/Tokyo" → "Tokyo".
    pub fn city_label(self) -> String {
        self.name()
            .rsplit('/')
            .next()
            .unwrap_or(self.name())
            .replace('_', " ")
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Up to three zone names that look like `input`, comparing both the whole name and its city part,
/// so "Europe/Istambul", "istanbul" and "Europe/Instanbul" all find "Europe/Istanbul".
fn close_matches(input: &str) -> Vec<&'static str> {
    let wanted = input.to_lowercase();
    let wanted_city = wanted.rsplit('/').next().unwrap_or(&wanted).to_owned();
    let mut scored: Vec<(f64, &'static str)> = TZ_VARIANTS
        .iter()
        .map(|tz| {
            let name = tz.name();
            let lower = name.to_lowercase();
            let city = lower.rsplit('/').next().unwrap_or(&lower);
            let score =
                strsim::jaro_winkler(&wanted, &lower).max(strsim::jaro_winkler(&wanted_city, city));
            (score, name)
        })
        .filter(|(score, _)| *score >= 0.88)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    // Only names about as close as the best one: a clear winner is offered alone.
    let best = scored.first().map_or(0.0, |(score, _)| *score);
    scored
        .into_iter()
        .take_while(|(score, _)| best - score < 0.02)
        .take(3)
        .map(|(_, name)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_zone_suggests_the_real_one() {
        let err = "Europe/Istambul".parse::<Zone>().unwrap_err();
        assert_eq!(err.suggestions, vec!["Europe/Istanbul"]);
        assert!(err.to_string().contains("did you mean"), "{err}");
    }

    #[test]
    fn a_bare_city_name_suggests_its_zone() {
        let err = "Montreal".parse::<Zone>().unwrap_err();
        assert!(
            err.suggestions.contains(&"America/Montreal"),
            "{:?}",
            err.suggestions
        );
    }

    #[test]
    fn nonsense_gets_an_example_instead() {
        let err = "xx".parse::<Zone>().unwrap_err();
        assert!(err.suggestions.is_empty());
        assert!(err.to_string().contains("Europe/Paris"));
    }

    #[test]
    fn city_labels_read_like_cities() {
        assert_eq!(
            "America/Sao_Paulo".parse::<Zone>().unwrap().city_label(),
            "Sao Paulo"
        );
    }
}

/// One zone a programme prints times in: "Izmir" / Europe/Istanbul / "TRT".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisplayZone {
    #[schema(example = "Izmir")]
    pub label: String,
    pub timezone: Zone,
    /// Shown instead of the tz database's abbreviation, e.g. "TRT" where it only knows "+03".
    #[serde(default)]
    #[schema(example = "TRT")]
    pub abbreviation: Option<String>,
    /// For which sessions this zone is printed; by default every session of an on-site event,
    /// and the sessions followed from afar (virtual, hybrid or streamed) of other events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print: Option<ZonePrinting>,
}

/// Whether a display zone is printed for every session or only for those followed from afar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ZonePrinting {
    EverySession,
    FollowedFromAfar,
}

impl DisplayZone {
    /// A zone as a viewer named it, labelled by its city.
    pub fn named(zone: Zone) -> Self {
        DisplayZone {
            label: zone.city_label(),
            timezone: zone,
            abbreviation: None,
            print: None,
        }
    }

    /// Why this display zone cannot be printed, if it cannot.
    pub fn problem(&self) -> Option<(&'static str, &'static str)> {
        let label = self.label.trim();
        if label.is_empty() || label.chars().count() > 60 || label.chars().any(char::is_control) {
            return Some((
                "label",
                "must be a name of 1 to 60 characters, like 'Izmir'",
            ));
        }
        match &self.abbreviation {
            Some(abbreviation)
                if abbreviation.is_empty()
                    || abbreviation.len() > 8
                    || !abbreviation.chars().all(|c| c.is_ascii_alphabetic()) =>
            {
                Some(("abbreviation", "must be 1 to 8 letters, like 'TRT'"))
            }
            _ => None,
        }
    }
}
