//! How the domain's checked values are described in the API document: each type states the
//! constraints its parser enforces (length, characters, format, the zones that exist), so a
//! client generated from the document sends only what the server accepts.

use crate::domain::local_time::TimeInput;
use crate::domain::text::{Email, LanguageCode, Line, Slug, Text, Title, WebUrl};
use crate::domain::zone::Zone;
use std::borrow::Cow;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

/// No control character (C0, DEL or C1), as every single-line text requires.
const SINGLE_LINE: &str = r"^[^\x00-\x1f\x7f-\x9f]*$";
/// An event's slug, as `Slug` parses it.
pub(super) const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
/// Tab, LF and CR allowed, no other control character.
const MULTI_LINE: &str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$";

fn text(pattern: &str, max: usize, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .pattern(Some(pattern))
        .max_length(Some(max))
        .description(Some(description))
}

macro_rules! described {
    ($type:ty, $name:literal, $schema:expr) => {
        impl utoipa::PartialSchema for $type {
            fn schema() -> RefOr<Schema> {
                RefOr::T(Schema::Object($schema.build()))
            }
        }
        impl utoipa::ToSchema for $type {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

described!(
    Slug,
    "Slug",
    text(
        SLUG_PATTERN,
        64,
        "Lower-case letters, digits and single hyphens (izmir-2021)"
    )
    .min_length(Some(1))
);
described!(
    Title,
    "Title",
    text(
        r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        300,
        "One line, not blank, at most 300 characters"
    )
    .min_length(Some(1))
);
described!(
    Line,
    "Line",
    text(SINGLE_LINE, 300, "One line of at most 300 characters")
);
described!(
    Text,
    "Text",
    text(
        MULTI_LINE,
        crate::domain::text::MAX_TEXT_CHARS,
        "Free text over several lines, at most 50,000 characters"
    )
);
described!(
    Email,
    "Email",
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .pattern(Some(r"^[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+$"))
        .max_length(Some(254))
        .description(Some("A bare address, without display name"))
);
described!(
    LanguageCode,
    "LanguageCode",
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .pattern(Some("^[a-z]{2,3}(-[A-Z]{2})?$"))
        .description(Some("A language code such as fr, en or pt-BR"))
);
described!(
    WebUrl,
    "WebUrl",
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .pattern(Some(
            r"^https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[^\s]*)?$"
        ))
        .max_length(Some(2000))
        .description(Some("An http or https link"))
);
described!(
    Zone,
    "TimeZone",
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())))
        .description(Some("An IANA time-zone name such as Europe/Istanbul"))
);
described!(
    TimeInput,
    "TimeInput",
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        // Years 1970-2200 and days 1-28 of each month: every value the pattern allows exists.
        .pattern(Some(
            r"^(19[7-9][0-9]|2[01][0-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?$"
        ))
        .description(Some(
            "An RFC 3339 instant with offset (2021-12-07T16:00:00+03:00), or a local date-time \
             (2021-12-07T16:00) read in the event's zone"
        ))
        .examples(["2021-12-07T16:00"])
);
