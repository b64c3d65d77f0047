//! The API document as the server behaves: every error answer is `application/problem+json`,
//! and every operation lists the errors the shared extractors and guards can give it, so no
//! handler has to repeat them (its own, such as 409, it declares itself).

use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

const PROBLEM: &str = "application/problem+json";

/// Completes the document assembled from the handlers' `#[utoipa::path]` attributes.
pub fn complete(mut document: OpenApi) -> OpenApi {
    for (path, item) in document.paths.paths.iter_mut() {
        let has_path_params = path.contains('{');
        for (is_read, operation) in [
            (true, item.get.as_mut()),
            (false, item.post.as_mut()),
            (false, item.put.as_mut()),
            (false, item.patch.as_mut()),
            (false, item.delete.as_mut()),
        ]
        .into_iter()
        .filter_map(|(read, op)| op.map(|op| (read, op)))
        {
            complete_operation(operation, path, has_path_params, is_read);
        }
    }
    document
}

/// Parameters the handlers declared as plain strings: a slug, a token or free text, none of
/// which may hold a control character (the server refuses `%00`–`%1F` and `%7F` in any URL).
fn constrain_parameters(operation: &mut Operation) {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
    for parameter in operation.parameters.iter_mut().flatten() {
        let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_ref() else {
            continue;
        };
        let plain = schema.schema_type == SchemaType::Type(Type::String)
            && schema.pattern.is_none()
            && schema.enum_values.is_none()
            && schema.format.is_none();
        if !plain {
            continue;
        }
        let pattern = match parameter.name.as_str() {
            "slug" => super::schemas::SLUG_PATTERN,
            "token" => "^[A-Za-z0-9_-]+$",
            _ => r"^[^\x00-\x1f\x7f]*$",
        };
        parameter.schema = Some(RefOr::T(Schema::Object(
            ObjectBuilder::from(schema.clone())
                .pattern(Some(pattern))
                .build(),
        )));
    }
}

fn complete_operation(operation: &mut Operation, path: &str, has_path_params: bool, is_read: bool) {
    constrain_parameters(operation);
    let secured = operation
        .security
        .as_ref()
        .is_some_and(|requirements| !requirements.is_empty());
    let has_body = operation.request_body.is_some();
    let has_query = operation.parameters.as_ref().is_some_and(|parameters| {
        parameters
            .iter()
            .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query))
    });
    let mut errors: Vec<(&str, &str)> = vec![(
        "400",
        "The request cannot be read: malformed JSON, query or path",
    )];
    if secured {
        errors.push((
            "401",
            "No valid bearer token (sign in at /api/v1/auth/token)",
        ));
        errors.push(("403", "Signed in, but not an organiser of this event"));
    }
    if has_path_params {
        errors.push(("404", "No such resource"));
    }
    if has_body {
        errors.push(("413", "The body is larger than the server accepts"));
        errors.push((
            "415",
            "The body is not of a media type this operation reads",
        ));
    }
    if has_body || has_query || has_path_params {
        errors.push((
            "422",
            "A value is refused: `errors` names each field and why",
        ));
    }
    if (!is_read && !secured) || path.ends_with("/auth/token") {
        errors.push(("429", "Too many requests from this client; see Retry-After"));
    }
    let responses = &mut operation.responses.responses;
    for (status, description) in errors {
        responses.entry(status.to_owned()).or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        PROBLEM,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        });
    }
    // Errors declared by handlers as JSON are in fact problem+json.
    for (status, response) in responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        let is_error = status.starts_with('4') || status.starts_with('5');
        if let Some(content) = is_error
            .then(|| response.content.shift_remove("application/json"))
            .flatten()
        {
            response.content.insert(PROBLEM.to_owned(), content);
        }
    }
    if operation.summary.is_none() {
        operation.summary = Some(summary_from(operation));
    }
}

/// A summary for an operation whose handler gave none: the first sentence of its description,
/// or its handler's name in words ("list_sessions" → "List sessions").
fn summary_from(operation: &Operation) -> String {
    if let Some(first) = operation
        .description
        .as_deref()
        .and_then(|d| d.split(['.', '\n']).next())
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.chars().count() <= 120)
    {
        return first.to_owned();
    }
    let words = operation
        .operation_id
        .as_deref()
        .unwrap_or("operation")
        .replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}
